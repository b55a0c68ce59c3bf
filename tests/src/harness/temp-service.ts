/**
 * What Synapse and Etherpad share as services the harness runs: per-run temp data dirs that a
 * later run cleans up once their owner is gone, and a child process logging to a file that is
 * killed (and its temp dir removed) if the test process exits without stopping it.
 */
import { spawn, type ChildProcess, type StdioOptions } from "node:child_process";
import { closeSync, openSync, promises as fs, rmSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { onProcessExit, pidAlive } from "./process-utils";

/** Removes temp data dirs of earlier runs whose process is gone (never another live run's). */
export async function removeStaleTempDirs(prefix: string): Promise<void> {
  const tmp = os.tmpdir();
  for (const name of await fs.readdir(tmp).catch(() => [] as string[])) {
    if (!name.startsWith(prefix)) continue;
    const dir = path.join(tmp, name);
    const owner = Number(await fs.readFile(path.join(dir, "owner.pid"), "utf8").catch(() => "0"));
    if (owner > 0 && !pidAlive(owner)) await fs.rm(dir, { recursive: true, force: true });
  }
}

export interface LoggedChild {
  child: ChildProcess;
  /** Forget the exit hook (after a normal stop). */
  unregister: () => void;
}

/** Spawns `command` with stdout and stderr appended to `logFile`. */
export function spawnLogged(
  command: string,
  args: string[],
  opts: {
    cwd: string;
    logFile: string;
    /** Removed at process exit when its name starts with `tempPrefix` (unless ATRIUM_KEEP_DATA). */
    dataDir: string;
    tempPrefix: string;
    stdin?: "pipe" | "ignore";
    env?: NodeJS.ProcessEnv;
  },
): LoggedChild {
  const fd = openSync(opts.logFile, "a");
  const stdio: StdioOptions = [opts.stdin ?? "ignore", fd, fd];
  const child = spawn(command, args, { cwd: opts.cwd, stdio, env: opts.env ?? process.env });
  closeSync(fd);
  const temporary = path.basename(opts.dataDir).startsWith(opts.tempPrefix);
  const unregister = onProcessExit(() => {
    child.kill("SIGKILL");
    if (temporary && !process.env.ATRIUM_KEEP_DATA) {
      rmSync(opts.dataDir, { recursive: true, force: true });
    }
  });
  return { child, unregister };
}
