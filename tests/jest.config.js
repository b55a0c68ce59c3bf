/**
 * Integration tests against real Synapse, Etherpad and PostgreSQL (plus the harness's unit
 * tests). The global setup does the slow one-time installs once, so test files only start
 * processes; each file starts its own Synapse, so files can run in parallel.
 */
module.exports = require("../jest.preset.js")(__dirname, {
  displayName: "integration",
  globalSetup: "<rootDir>/src/harness/global-setup.ts",
});
