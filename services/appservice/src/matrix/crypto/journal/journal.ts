/**
 * What each IndexedDB transaction changed, and its write to the mirror when it commits.
 *
 * A transaction's changes are the keys it touched per object store (and whether it cleared
 * one); at commit the journal reads each touched key's value as it now stands, so a put then
 * a delete of one key, a failed `add` whose error was handled, or a cursor update all end as
 * the one row IndexedDB itself holds. A versionchange transaction writes its whole database,
 * schema and data, since stores may have been created, renamed or deleted.
 */
import { serialize } from "node:v8";
import type { RawDatabase, RawObjectStore, RawRecord, RawTransaction } from "./engine";
import { keyId } from "./key-id";
import type { DatabaseSnapshot, Mirror, SerialisedRecord, StoreChanges } from "./mirror";

interface TouchedStore {
  cleared: boolean;
  /** key id → key */
  keys: Map<string, unknown>;
}

function serialiseRecord(record: RawRecord): SerialisedRecord {
  return { id: keyId(record.key), key: serialize(record.key), value: serialize(record.value) };
}

/** The journal of one durable factory: tracks open transactions, writes committed ones. */
export class Journal {
  private readonly touched = new Map<RawTransaction, Map<RawObjectStore, TouchedStore>>();
  private closed = false;

  constructor(private readonly mirror: Mirror) {}

  /** Records that `transaction` wrote (or deleted) `keys` in `store`. */
  touch(transaction: RawTransaction, store: RawObjectStore, keys: Iterable<unknown>): void {
    const entry = this.entryFor(transaction, store);
    for (const key of keys) entry.keys.set(keyId(key), key);
  }

  /** Records that `transaction` cleared `store`. */
  clear(transaction: RawTransaction, store: RawObjectStore): void {
    const entry = this.entryFor(transaction, store);
    entry.cleared = true;
    entry.keys.clear();
  }

  private entryFor(transaction: RawTransaction, store: RawObjectStore): TouchedStore {
    let stores = this.touched.get(transaction);
    if (!stores) {
      stores = new Map();
      this.touched.set(transaction, stores);
    }
    let entry = stores.get(store);
    if (!entry) {
      entry = { cleared: false, keys: new Map() };
      stores.set(store, entry);
    }
    return entry;
  }

  /** Transactions that have changed something and have not finished yet. */
  get pending(): number {
    return this.touched.size;
  }

  /**
   * Writes a committing transaction to the file; called as its `complete` is about to fire.
   * Throws when the write fails: the caller then aborts the transaction instead.
   */
  commit(transaction: RawTransaction): void {
    const stores = this.touched.get(transaction);
    this.touched.delete(transaction);
    const database = transaction.db._rawDatabase;
    if (transaction.mode === "versionchange") {
      this.ensureOpen();
      this.mirror.writeSnapshot(snapshot(database));
      return;
    }
    if (!stores) return;
    this.ensureOpen();
    const changes: StoreChanges[] = [];
    for (const [store, entry] of stores) {
      const puts: SerialisedRecord[] = [];
      const deletes: string[] = [];
      for (const [id, key] of entry.keys) {
        const record = store.records.get(key);
        if (record) puts.push(serialiseRecord(record));
        else deletes.push(id);
      }
      changes.push({
        store: store.name,
        cleared: entry.cleared,
        puts,
        deletes,
        keyGenerator: store.keyGenerator?.num ?? null,
      });
    }
    this.mirror.writeChanges(database.name, changes);
  }

  /** Forgets an aborted transaction's changes. */
  abort(transaction: RawTransaction): void {
    this.touched.delete(transaction);
  }

  /** Writes a database's deletion. */
  deleteDatabase(name: string): void {
    this.ensureOpen();
    this.mirror.deleteDatabase(name);
  }

  /** After this every commit fails (and its transaction aborts): the file is closed. */
  close(): void {
    this.closed = true;
    this.mirror.close();
  }

  private ensureOpen(): void {
    if (this.closed) {
      throw new Error("the durable IndexedDB was closed: nothing more can be committed to it");
    }
  }
}

function snapshot(database: RawDatabase): DatabaseSnapshot {
  return {
    name: database.name,
    version: database.version,
    stores: [...database.rawObjectStores.values()].map((store) => ({
      schema: {
        name: store.name,
        keyPath: store.keyPath,
        autoIncrement: store.autoIncrement,
        keyGenerator: store.keyGenerator?.num ?? null,
        indexes: [...store.rawIndexes.values()].map((index) => ({
          name: index.name,
          keyPath: index.keyPath,
          multiEntry: index.multiEntry,
          unique: index.unique,
        })),
      },
      records: [...store.records.values()].map(serialiseRecord),
    })),
  };
}
