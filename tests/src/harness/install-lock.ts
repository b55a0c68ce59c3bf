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
