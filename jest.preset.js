/** Shared jest settings: ts-jest, tests beside the code, workspace packages read from source. */
const path = require("node:path");

module.exports = (dir, overrides = {}) => ({
  rootDir: dir,
  testEnvironment: "node",
  transform: { "^.+\\.ts$": ["ts-jest", { tsconfig: path.join(dir, "tsconfig.json") }] },
  testMatch: ["<rootDir>/src/**/*.test.ts"],
  moduleNameMapper: {
    "^@atrium/(widgets|etherpad|jitsi)$": path.join(__dirname, "packages/$1/src/index.ts"),
  },
  ...overrides,
});
