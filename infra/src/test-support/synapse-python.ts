/** Finds the Python of a local Synapse 1.163.2 virtualenv for tests that start Synapse. */
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

const VERSION = "1.163.2";

/**
 * `ATRIUM_SYNAPSE_PYTHON`, else the virtualenv the integration harness installs into
 * `${XDG_CACHE_HOME:-~/.cache}/atrium/synapse-<version>`. Throws saying how to get one.
 */
export function synapsePython(): string {
  const fromEnv = process.env.ATRIUM_SYNAPSE_PYTHON;
  if (fromEnv !== undefined && fromEnv !== "") return fromEnv;
  const cache = process.env.XDG_CACHE_HOME || join(homedir(), ".cache");
  const venv = join(cache, "atrium", `synapse-${VERSION}`);
  if (existsSync(join(venv, ".atrium-installed.json"))) return join(venv, "bin", "python");
  throw new Error(
    `no local Synapse ${VERSION} in ${venv}: run \`pnpm test\` at the repository root once (its global setup installs it), or set ATRIUM_SYNAPSE_PYTHON to a python with matrix-synapse==${VERSION}`,
  );
}
