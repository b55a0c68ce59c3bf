/** Options for the tests of `pnpm dev` (`startDev`). */
import { promises as fs } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { DevOptions } from "../dev";
import { freePort } from "./process-utils";

/**
 * Options for one test file's `startDev` runs: a new dev folder (`devDir`, the caller removes
 * it) and a free port for every listener, so the run never meets a developer's own stack.
 */
export async function devTestOptions(extra: Partial<DevOptions> = {}): Promise<DevOptions> {
  return {
    devDir: await fs.mkdtemp(path.join(os.tmpdir(), "atrium-devtest-")),
    synapsePort: await freePort(),
    etherpadPort: await freePort(),
    appservicePort: await freePort(),
    webPort: await freePort(),
    imPort: await freePort(),
    frontPort: await freePort(),
    jitsiDomain: "meet.example.org",
    ...extra,
  };
}
