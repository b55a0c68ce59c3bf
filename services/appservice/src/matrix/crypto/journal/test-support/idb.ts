/** Promise helpers over the IndexedDB API for the journal's tests, and a temporary file. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type * as fake from "fake-indexeddb";
import { openDurableIndexedDb, type DurableIndexedDb, type IDBFactory } from "../index";

/** An open database connection. */
export type Db = InstanceType<typeof fake.IDBDatabase>;
/** A transaction. */
export type Tx = InstanceType<typeof fake.IDBTransaction>;
type Request = InstanceType<typeof fake.IDBRequest>;

/** The result of a request. */
export function result<T>(request: Request): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result as T);
    request.onerror = () => reject(request.error as Error);
  });
}

/** Resolves when the transaction commits, rejects with its error when it aborts. */
export function done(tx: Tx): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onabort = () => reject((tx.error as Error | null) ?? new Error("aborted"));
  });
}

/** Opens `name` at `version`, running `upgrade` in the versionchange transaction if needed. */
export function openDb(
  factory: IDBFactory,
  name: string,
  version: number,
  upgrade: (db: Db, tx: Tx, oldVersion: number) => void = () => undefined,
): Promise<Db> {
  const request = factory.open(name, version);
  request.onupgradeneeded = (event: { oldVersion: number }) => {
    upgrade(request.result as Db, request.transaction as Tx, event.oldVersion);
  };
  return result<Db>(request);
}

/** A database "app" v1 with an out-of-line-key store "kv" and an in-line-key store "people". */
export function openApp(factory: IDBFactory): Promise<Db> {
  return openDb(factory, "app", 1, (db) => {
    db.createObjectStore("kv");
    const people = db.createObjectStore("people", { keyPath: "id" });
    people.createIndex("byCity", "city");
  });
}

/** Puts `[key, value]` pairs (key `undefined`: in-line or generated) in one transaction. */
export async function put(db: Db, store: string, entries: [unknown, unknown][]): Promise<void> {
  const tx = db.transaction(store, "readwrite");
  for (const [key, value] of entries) {
    if (key === undefined) tx.objectStore(store).put(value);
    else tx.objectStore(store).put(value, key);
  }
  await done(tx);
}

/** Every value of a store, in key order. */
export async function all(db: Db, store: string): Promise<unknown[]> {
  const tx = db.transaction(store, "readonly");
  return result<unknown[]>(tx.objectStore(store).getAll());
}

/** A journal file in a fresh temporary directory, and the means to reopen it. */
export class TempStore {
  readonly dir = mkdtempSync(join(tmpdir(), "atrium-journal-"));
  readonly file = join(this.dir, "crypto.sqlite");
  private opened: DurableIndexedDb[] = [];

  /** Opens (replays) the file. */
  async open(): Promise<DurableIndexedDb> {
    const durable = await openDurableIndexedDb({ file: this.file });
    this.opened.push(durable);
    return durable;
  }

  /** Closes `previous`, as a stopping process would, and opens the file again. */
  async reopen(previous: DurableIndexedDb): Promise<DurableIndexedDb> {
    await previous.close();
    return this.open();
  }

  /** Closes what it opened and removes the directory. */
  async dispose(): Promise<void> {
    for (const durable of this.opened) await durable.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * A fresh journal file for each test, disposed of after it (declared at the top of a test
 * file), with the restart the tests check durability across.
 */
export function journalPerTest() {
  let current: TempStore | undefined;
  beforeEach(() => {
    current = new TempStore();
  });
  afterEach(() => current?.dispose());
  const temp = (): TempStore => {
    if (!current) throw new Error("journalPerTest: only inside a test");
    return current;
  };
  return {
    get file(): string {
      return temp().file;
    },
    open: () => temp().open(),
    /** The first run of the journal, and the app database (see {@link openApp}) on it. */
    async startApp(): Promise<{ first: DurableIndexedDb; db: Db }> {
      const first = await temp().open();
      return { first, db: await openApp(first.indexedDB) };
    },
    /** Closes `previous`, as a stopping process would, and opens the file again. */
    reopen: (previous: DurableIndexedDb) => temp().reopen(previous),
    /** Closes the app database `db` and its journal, and opens the app again from the file. */
    async restartApp(previous: DurableIndexedDb, db: Db): Promise<Db> {
      db.close();
      return openApp((await temp().reopen(previous)).indexedDB);
    },
  };
}
