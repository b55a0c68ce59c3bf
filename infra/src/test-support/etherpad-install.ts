/** Finds the local Etherpad the integration harness installs, for tests that start it. */
import { harnessInstall } from "./harness-cache";

/**
 * The Etherpad install root (`<root>/src/node/server.js`): `ATRIUM_ETHERPAD_DIR`, else the
 * harness's `etherpad-1.8.14`. Throws saying how to get one.
 */
export function etherpadRoot(): string {
  return harnessInstall({ what: "etherpad", version: "1.8.14", envVar: "ATRIUM_ETHERPAD_DIR" });
}
