/**
 * One jest run for the whole workspace: every package's unit tests ("unit") and the
 * integration tests in tests/ ("integration") that start real Synapse and Etherpad.
 * @type {import('jest').Config}
 */
module.exports = {
  projects: [
    "<rootDir>/packages/widgets",
    "<rootDir>/packages/etherpad",
    "<rootDir>/packages/jitsi",
    "<rootDir>/services/appservice",
    "<rootDir>/services/im-ui",
    "<rootDir>/infra",
    "<rootDir>/tests",
  ],
  maxWorkers: 2,
  // A global option (projects cannot set it): integration tests start real servers.
  testTimeout: 120000,
};
