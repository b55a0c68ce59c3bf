/** Shared jest settings: ts-jest, tests beside the code, workspace packages read from source. */
const path = require("node:path");

/**
 * The bridge's bot-sdk requires the native crypto binding at import time. Where its binary is
 * missing (it downloads from GitHub at install), map it to Atrium's stand-in, as
 * services/appservice/src/crypto-optional.ts does for Node's own loader.
 */
function cryptoMapping() {
  const appservice = path.join(__dirname, "services/appservice");
  try {
    const bridge = require.resolve("matrix-appservice-bridge", { paths: [appservice] });
    const botSdk = require.resolve("@vector-im/matrix-bot-sdk", { paths: [bridge] });
    require(require.resolve("@matrix-org/matrix-sdk-crypto-nodejs", { paths: [botSdk] }));
    return {};
  } catch {
    return {
      "^@matrix-org/matrix-sdk-crypto-nodejs$": path.join(appservice, "src/crypto-unavailable.ts"),
    };
  }
}

module.exports = (dir, overrides = {}) => ({
  rootDir: dir,
  testEnvironment: "node",
  transform: { "^.+\\.ts$": ["ts-jest", { tsconfig: path.join(dir, "tsconfig.json") }] },
  testMatch: ["<rootDir>/src/**/*.test.ts"],
  moduleNameMapper: {
    "^@atrium/(widgets|etherpad|jitsi)$": path.join(__dirname, "packages/$1/src/index.ts"),
    ...cryptoMapping(),
  },
  ...overrides,
});
