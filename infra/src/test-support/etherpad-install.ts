/** Finds the local Etherpad the integration harness installs, for tests that start it. */
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

const VERSION = "1.8.14";

/**
 * The Etherpad install root (`<root>/src/node/server.js`): `ATRIUM_ETHERPAD_DIR`, else the
 * harness's cache `${XDG_CACHE_HOME:-~/.cache}/atrium/etherpad-<version>`. Throws saying how to get one.
 */
export function etherpadRoot(): string {
  const fromEnv = process.env.ATRIUM_ETHERPAD_DIR;
  if (fromEnv !== undefined && fromEnv !== "") return fromEnv;
  const cache = process.env.XDG_CACHE_HOME || join(homedir(), ".cache");
  const dir = join(cache, "atrium", `etherpad-${VERSION}`);
  if (existsSync(join(dir, ".atrium-installed.json"))) return dir;
  throw new Error(
    `no local Etherpad ${VERSION} in ${dir}: run \`pnpm test\` at the repository root once (its global setup installs it), or set ATRIUM_ETHERPAD_DIR`,
  );
}
