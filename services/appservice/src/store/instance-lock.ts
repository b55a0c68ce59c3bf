/**
 * One appservice per database. Two processes on the same store would both take transactions
 * (the homeserver sends to whichever URL it knows, and a stray copy still resumes the inbox)
 * and both work through the inbox: every pad and reply twice. At start Atrium takes an
 * advisory lock and refuses to run without it, saying why:
 * - SQLite: an exclusive lock on `<file>.lock` (a small SQLite file in exclusive locking mode,
 *   so the operating system's file lock does the work and a crashed process drops it);
 * - PostgreSQL: `pg_try_advisory_lock` on a connection of its own, held while Atrium runs (the
 *   server drops it when that session ends, a crash included).
 */
import SQLite from "better-sqlite3";
import pg from "pg";
import type { AtriumConfig } from "../config/schema";

/** The advisory lock key: "ATRIUM" in ASCII, the same for every Atrium deployment. */
export const ADVISORY_LOCK_KEY = 0x415452_49554d;

export interface InstanceLock {
  release(): Promise<void>;
}

/** Another process holds the lock; the message says which database and what to do. */
export class InstanceLockedError extends Error {
  override name = "InstanceLockedError";
}

export async function acquireInstanceLock(
  database: AtriumConfig["database"],
): Promise<InstanceLock> {
  return database.engine === "sqlite"
    ? sqliteLock(database.filename)
    : postgresLock(database.connectionString);
}

function sqliteLock(filename: string): InstanceLock {
  const lockFile = `${filename}.lock`;
  const db = new SQLite(lockFile, { timeout: 0 });
  try {
    db.pragma("journal_mode = DELETE");
    db.pragma("locking_mode = EXCLUSIVE");
    // The first write takes the exclusive lock; locking_mode keeps it until close.
    db.exec("CREATE TABLE IF NOT EXISTS holder (pid INTEGER, since INTEGER)");
    db.prepare("DELETE FROM holder").run();
    db.prepare("INSERT INTO holder VALUES (?, ?)").run(process.pid, Date.now());
  } catch (error: unknown) {
    db.close();
    if ((error as { code?: unknown }).code === "SQLITE_BUSY") {
      throw new InstanceLockedError(
        `database.filename: another Atrium appservice is already running on ${filename} (it holds ${lockFile}). ` +
          "Two processes on one store would run every command twice; stop the other one, or give this one its own database.",
      );
    }
    throw error;
  }
  return {
    release: async () => {
      db.close();
    },
  };
}

async function postgresLock(connectionString: string): Promise<InstanceLock> {
  const client = new pg.Client({ connectionString, application_name: "atrium-appservice-lock" });
  await client.connect();
  try {
    const { rows } = await client.query<{ locked: boolean }>(
      "select pg_try_advisory_lock($1) as locked",
      [ADVISORY_LOCK_KEY],
    );
    if (!rows[0]?.locked) {
      const holder = await client.query<{ addr: string | null; since: Date | null }>(
        `select a.client_addr::text as addr, a.backend_start as since
           from pg_locks l join pg_stat_activity a on a.pid = l.pid
          where l.locktype = 'advisory' and l.granted
            and l.database = (select oid from pg_database where datname = current_database())
            and ((l.classid::bigint << 32) | l.objid::bigint) = $1`,
        [ADVISORY_LOCK_KEY],
      );
      const who = holder.rows[0];
      throw new InstanceLockedError(
        `database.connectionString: another Atrium appservice is already running on this database` +
          (who
            ? ` (connected from ${who.addr ?? "a local socket"} since ${who.since?.toISOString() ?? "?"})`
            : "") +
          ". Two processes on one store would run every command twice; stop the other one, or give this one its own database.",
      );
    }
  } catch (error: unknown) {
    await client.end().catch(() => undefined);
    throw error;
  }
  // A lost lock connection means the lock is gone: say so loudly (the process exits on it).
  client.on("error", (error: unknown) => {
    throw new Error(`lost the database connection holding the instance lock: ${String(error)}`);
  });
  return {
    release: async () => {
      await client.end();
    },
  };
}
