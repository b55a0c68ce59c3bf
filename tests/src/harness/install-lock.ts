/** A cross-process lock for the one-time installs (mkdir is atomic). */
import { promises as fs } from "node:fs";
import * as path from "node:path";
import { pidAlive, sleep } from "./process-utils";

const LOCK_WAIT_MS = 20 * 60_000;

/**
 * Takes `lockDir`, waiting while another live process holds it and breaking a lock whose owner
 * died; resolves with the release function. `what` names the install in the timeout error.
 */
export async function acquireInstallLock(
  lockDir: string,
  what: string,
): Promise<() => Promise<void>> {
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      await fs.mkdir(lockDir);
      await fs.writeFile(path.join(lockDir, "pid"), String(process.pid));
      return () => fs.rm(lockDir, { recursive: true, force: true });
    } catch (err: unknown) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
    if (await lockIsStale(lockDir)) {
      await fs.rm(lockDir, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `atrium: waited ${LOCK_WAIT_MS / 60_000} min for another ${what} install (lock ${lockDir}); remove the lock if no install is running`,
      );
    }
    await sleep(1000);
  }
}

async function lockIsStale(lockDir: string): Promise<boolean> {
  try {
    return !pidAlive(Number(await fs.readFile(path.join(lockDir, "pid"), "utf8")));
  } catch {
    // No pid file yet: the owner is between mkdir and writeFile, unless that was long ago.
    const stat = await fs.stat(lockDir).catch(() => null);
    return stat !== null && Date.now() - stat.mtimeMs > 30_000;
  }
}

/**
 * Holds `<dir>.lock` (see {@link acquireInstallLock}) while `fn` runs, creating `dir`'s parent
 * first: `fn` checks again whether another process installed meanwhile.
 */
export async function withInstallLock<T>(
  dir: string,
  what: string,
  fn: () => Promise<T>,
): Promise<T> {
  await fs.mkdir(path.dirname(dir), { recursive: true });
  const release = await acquireInstallLock(`${dir}.lock`, what);
  try {
    return await fn();
  } finally {
    await release();
  }
}

/**
 * Runs the one-time `install` of `what` (e.g. "Synapse 1.163.2 from PyPI") into `dir`, saying on
 * stderr that it happens once and takes about `minutes`, then how long it took: the first test
 * run waits minutes, and should say why.
 */
export async function announcedInstall(
  dir: string,
  what: string,
  minutes: number,
  install: (dir: string) => Promise<void>,
): Promise<void> {
  const started = Date.now();
  const about = `about ${minutes} minute${minutes === 1 ? "" : "s"}`;
  process.stderr.write(`atrium: installing ${what} into ${dir} (once; ${about})…\n`);
  await install(dir);
  const seconds = Math.round((Date.now() - started) / 1000);
  process.stderr.write(`atrium: installed ${what} in ${seconds} s\n`);
}
