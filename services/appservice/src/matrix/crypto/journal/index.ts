/**
 * A durable IndexedDB for Node: fake-indexeddb as the engine, and a journal of Atrium's own
 * that writes each committed IndexedDB transaction to one SQLite file (`node:sqlite`, WAL,
 * `synchronous=FULL`) in one SQLite transaction, before the transaction's `complete` reaches
 * any listener. Aborted transactions are never written. At start the file is replayed into a
 * fresh fake-indexeddb before anyone opens it.
 *
 * It exists for `@matrix-org/matrix-sdk-crypto-wasm`, whose only persistent store is IndexedDB
 * (see docs: E2EE.md): the bot's Olm account and sessions survive a crash through it. Values
 * are structured-clone values, kept with `node:v8`'s serialiser; the crypto SDK's own store
 * cipher has already encrypted them with the store passphrase.
 */
import {
  chmodSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  realpathSync,
  renameSync,
  rmSync,
} from "node:fs";
import { dirname } from "node:path";
import { performance } from "node:perf_hooks";
import { setImmediate as nextTurn } from "node:timers/promises";
import type { Logger } from "pino";
import { type Engine, loadEngine, type RawDatabase, type RawFactory } from "./engine";
import { adopt, installHooks } from "./hooks";
import { Journal } from "./journal";
import { Mirror } from "./mirror";
import { replay } from "./replay";

/** IndexedDB's factory type (the DOM's; fake-indexeddb's declaration of it). */
export type IDBFactory = InstanceType<Engine["api"]["IDBFactory"]>;
/** IndexedDB's key range class. */
export type IDBKeyRangeClass = Engine["api"]["IDBKeyRange"];

/** A durable IndexedDB: hand `globals` to the crypto SDK, `close()` it on shutdown. */
export interface DurableIndexedDb {
  /** An IDBFactory whose committed transactions survive a crash. */
  readonly indexedDB: IDBFactory;
  /** fake-indexeddb's IDBKeyRange etc., for installing as globals */
  readonly globals: {
    indexedDB: IDBFactory;
    IDBKeyRange: IDBKeyRangeClass;
    [name: string]: unknown;
  };
  /** Waits for pending writes, closes the SQLite file. */
  close(): Promise<void>;
  /**
   * Replaces `target` with a consistent copy of the journal (written beside it as
   * `<target>.partial`, then renamed): what backups archive instead of the live file. Skipped
   * when nothing was committed since this process's last copy to `target`.
   */
  snapshot(target: string): void;
  /** stats for metrics/bench: records replayed, open time ms, file path */
  readonly stats: { replayedRecords: number; openMs: number; file: string };
}

/** How long `close()` lets transactions that already wrote something finish. */
const CLOSE_WAIT_MS = 5_000;

/** Files open in this process: two factories over one file would each miss the other's writes. */
const openFiles = new Set<string>();

/**
 * Opens (or creates) the journal at `file` and replays it into a fresh IndexedDB factory.
 * Throws, changing nothing, when the file is not a journal or is damaged. One process at a
 * time may hold a file: the appservice's instance lock sees to that.
 */
export async function openDurableIndexedDb(options: {
  file: string;
  logger?: Logger;
}): Promise<DurableIndexedDb> {
  const started = performance.now();
  const { file, logger } = options;
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  // Created owner-only; SQLite gives its -wal and -shm files the same mode.
  closeSync(openSync(file, "a", 0o600));
  const path = realpathSync(file);
  if (openFiles.has(path)) {
    throw new Error(`${file} is already open in this process: close() the other one first`);
  }
  const engine = loadEngine();
  installHooks(engine);
  const factory = new engine.api.IDBFactory() as IDBFactory;
  const raw = factory as unknown as RawFactory;
  const mirror = new Mirror(file);
  let replayedRecords: number;
  try {
    replayedRecords = replay(engine, mirror, raw);
  } catch (error) {
    mirror.close();
    throw error;
  }
  openFiles.add(path);
  const journal = new Journal(mirror);
  raw._databases = journaledDatabases(raw._databases, journal, logger);
  const openMs = Math.round(performance.now() - started);
  logger?.info({ file, replayedRecords, openMs }, "crypto store opened");

  let closing: Promise<void> | undefined;
  let copied: { target: string; commits: number } | undefined;
  return {
    indexedDB: factory,
    globals: {
      // IDBKeyRange, IDBCursor, IDBTransaction, …: what code written for a browser looks up.
      ...Object.fromEntries(Object.entries(engine.api).filter(([name]) => name.startsWith("IDB"))),
      indexedDB: factory,
      IDBKeyRange: engine.api.IDBKeyRange,
    },
    stats: { replayedRecords, openMs, file },
    snapshot(target) {
      // Unchanged since the last copy to this file: nothing to write.
      if (copied?.target === target && copied.commits === mirror.commits && existsSync(target))
        return;
      const commits = mirror.commits;
      const partial = `${target}.partial`;
      rmSync(partial, { force: true });
      mirror.copyTo(partial);
      chmodSync(partial, 0o600);
      renameSync(partial, target);
      copied = { target, commits };
    },
    close() {
      closing ??= (async () => {
        const deadline = Date.now() + CLOSE_WAIT_MS;
        while (journal.pending > 0 && Date.now() < deadline) await nextTurn();
        if (journal.pending > 0) {
          logger?.warn(
            { pending: journal.pending },
            "crypto store closed with transactions still open: they will be aborted",
          );
        }
        journal.close();
        openFiles.delete(path);
      })();
      return closing;
    },
  };
}

/**
 * The factory's database map, made to give each database it gets to the journal and to
 * write a database's deletion before fake-indexeddb forgets it.
 */
function journaledDatabases(
  databases: Map<string, RawDatabase>,
  journal: Journal,
  logger: Logger | undefined,
): Map<string, RawDatabase> {
  const map = new Map(databases);
  for (const database of map.values()) adopt(database, journal, logger);
  const set = map.set.bind(map);
  const remove = map.delete.bind(map);
  map.set = (name, database) => {
    adopt(database, journal, logger);
    return set(name, database);
  };
  map.delete = (name) => {
    journal.deleteDatabase(name);
    return remove(name);
  };
  return map;
}
