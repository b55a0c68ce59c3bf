module.exports = require("../jest.preset.js")(__dirname, {
  displayName: "infra",
  // Temp dirs of the tests that run real programs are removed after each file.
  setupFilesAfterEnv: ["<rootDir>/src/test-support/cleanup.ts"],
});
