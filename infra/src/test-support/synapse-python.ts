/** Finds the Python of a local Synapse 1.163.2 virtualenv for tests that start Synapse. */
import { join } from "node:path";
import { harnessInstall } from "./harness-cache";

const VERSION = "1.163.2";

/**
 * `ATRIUM_SYNAPSE_PYTHON`, else the virtualenv the integration harness installs as
 * `synapse-<version>`. Throws saying how to get one.
 */
export function synapsePython(): string {
  return harnessInstall({
    what: "synapse",
    version: VERSION,
    envVar: "ATRIUM_SYNAPSE_PYTHON",
    inside: (venv) => join(venv, "bin", "python"),
    hint: ` to a python with matrix-synapse==${VERSION}`,
  });
}
