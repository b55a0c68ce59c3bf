/**
 * What Synapse and Etherpad share as services the harness runs: per-run temp data dirs that a
 * later run cleans up once their owner is gone, and a child process logging to a file that is
 * killed (and its temp dir removed) if the test process exits without stopping it.
 */
import { spawn, type ChildProcess, type StdioOptions } from "node:child_process";
import { closeSync, openSync, promises as fs, rmSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  freePort,
  isPortBusy,
  onProcessExit,
  pidAlive,
  stopChild,
  tailFile,
} from "./process-utils";

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

/** One start attempt of a logged service: its child, its log, and why it did not answer (or null). */
export interface StartAttempt extends LoggedChild {
  logFile: string;
  error: string | null;
}

/**
 * What follows a start attempt of `name`. It answered: returns a `stop` that ends it once
 * (SIGTERM, SIGKILL after `graceMs`), forgets it and runs `cleanup`. It did not: the child is
 * ended and its log's last lines read; "retry" when `mayRetry` and they match `portTaken` (a
 * port picked by listen(0) can be taken by another process before the service binds it),
 * otherwise `giveUp` runs (the data dir stays, so its log can be read) and the error quotes
 * the log.
 */
export async function settleStart(
  name: string,
  attempt: StartAttempt,
  opts: {
    graceMs?: number;
    mayRetry: boolean;
    portTaken: RegExp;
    cleanup: () => Promise<void>;
    giveUp: () => Promise<void>;
  },
): Promise<(() => Promise<void>) | "retry"> {
  const { child, unregister, logFile, error } = attempt;
  if (!error) {
    let stopping: Promise<void> | null = null;
    return () =>
      (stopping ??= (async () => {
        await stopChild(child, opts.graceMs);
        unregister();
        await opts.cleanup();
      })());
  }
  await stopChild(child, 2000);
  unregister();
  const tail = await tailFile(logFile, 30);
  if (opts.mayRetry && opts.portTaken.test(tail)) return "retry";
  await opts.giveUp();
  throw new Error(`atrium: ${name} did not start (${error}); log ${logFile}, last lines:\n${tail}`);
}

/** A service's data dir, and whether it is a temp dir of this run. */
export interface ServiceDataDir {
  dataDir: string;
  temporary: boolean;
  /** Removes a temp dir (unless ATRIUM_KEEP_DATA); a given dir stays. */
  remove(): Promise<void>;
}

/**
 * `given` when set (created if missing, kept), else a new temp dir `<tmp>/<prefix>…` that holds
 * `owner.pid`, so a later run removes it once this process is gone (as it does here first for
 * the temp dirs of earlier runs).
 */
export async function serviceDataDir(prefix: string, given?: string): Promise<ServiceDataDir> {
  await removeStaleTempDirs(prefix);
  const temporary = given === undefined;
  const dataDir = temporary
    ? await fs.mkdtemp(path.join(os.tmpdir(), prefix))
    : path.resolve(given);
  await fs.mkdir(dataDir, { recursive: true });
  if (temporary) await fs.writeFile(path.join(dataDir, "owner.pid"), String(process.pid));
  return {
    dataDir,
    temporary,
    remove: async () => {
      if (temporary && !process.env.ATRIUM_KEEP_DATA) {
        await fs.rm(dataDir, { recursive: true, force: true });
      }
    },
  };
}

/**
 * The port of one start attempt: `fixed` when given, which must be free (else `cleanup` runs and
 * the error says so), or a free one picked now.
 */
export async function attemptPort(
  fixed: number | undefined,
  cleanup: () => Promise<void>,
): Promise<number> {
  if (fixed === undefined) return freePort();
  if (await isPortBusy(fixed)) {
    await cleanup();
    throw new Error(`atrium: port ${fixed} is busy; stop what listens there or pick another port`);
  }
  return fixed;
}
