/** Finds what the integration harness installs for tests that start real servers. */
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

/**
 * The path in `envVar`, else `<what>-<version>` in the harness's cache
 * `${XDG_CACHE_HOME:-~/.cache}/atrium` once its install finished. Throws saying how to get one.
 */
export function harnessInstall(o: {
  what: string;
  version: string;
  envVar: string;
  /** What the caller needs inside the install folder. */
  inside?: (dir: string) => string;
  /** How else to get one, for the error. */
  hint?: string;
}): string {
  const fromEnv = process.env[o.envVar];
  if (fromEnv !== undefined && fromEnv !== "") return fromEnv;
  const cache = process.env.XDG_CACHE_HOME || join(homedir(), ".cache");
  const dir = join(cache, "atrium", `${o.what}-${o.version}`);
  if (existsSync(join(dir, ".atrium-installed.json"))) return o.inside?.(dir) ?? dir;
  throw new Error(
    `no local ${o.what} ${o.version} in ${dir}: run \`pnpm test\` at the repository root once (its global setup installs it), or set ${o.envVar}${o.hint ?? ""}`,
  );
}
