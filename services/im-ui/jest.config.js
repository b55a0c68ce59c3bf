// Unit tests of the UI's pure parts (parameters, ScalarMessaging client, bot setup): no browser.
const path = require("node:path");

module.exports = require("../../jest.preset.js")(__dirname, {
  displayName: "im-ui",
  transform: {
    "^.+\\.ts$": ["ts-jest", { tsconfig: path.join(__dirname, "tsconfig.test.json") }],
  },
});
