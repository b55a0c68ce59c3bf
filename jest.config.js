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
  // matrix-js-sdk 43 (the Element user of the encryption tests) leaves timers behind after
  // stopClient(): its capability poller re-arms for 6 h when a poll was in flight at stop, and
  // request timeouts stay armed up to 110 s. Without this a run of one such file never ends.
  // Atrium's own processes (Synapse, Etherpad, the appservice) are still stopped by each file.
  forceExit: true,
};
