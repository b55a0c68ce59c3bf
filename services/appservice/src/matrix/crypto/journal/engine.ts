/**
 * The parts of fake-indexeddb (pinned 6.2.8) that the journal reaches into.
 *
 * The journal observes committed transactions at fake-indexeddb's raw record level, where a range
 * delete is still a list of records and a transaction's outcome is known; the package does not
 * export those classes, so they are loaded from its CommonJS build by path. The shapes below are
 * the members the journal uses; `checkEngine` fails at start, naming the package, if an upgrade
 * of fake-indexeddb moved any of them.
 */
import path from "node:path";
import * as fake from "fake-indexeddb";

/** A stored record: its key and its (structured-clone) value. */
export interface RawRecord {
  key: unknown;
  value: unknown;
}

/** The sorted records of an object store or an index. */
export interface RawRecordStore {
  get(key: unknown): RawRecord | undefined;
  values(range?: unknown): Iterable<RawRecord>;
}

/** An index of an object store. */
export interface RawIndex {
  name: string;
  keyPath: string | string[];
  multiEntry: boolean;
  unique: boolean;
  initialized: boolean;
}

/** An object store with its records, indexes and key generator. */
export interface RawObjectStore {
  name: string;
  keyPath: string | string[] | null;
  autoIncrement: boolean;
  deleted: boolean;
  keyGenerator: { num: number } | null;
  records: RawRecordStore;
  rawIndexes: Map<string, RawIndex>;
  rawDatabase: RawDatabase;
  storeRecord(record: RawRecord, noOverwrite: boolean, rollbackLog?: unknown[]): unknown;
  deleteRecord(key: unknown, rollbackLog?: unknown[]): void;
  clear(rollbackLog?: unknown[]): void;
}

/** A database: its version, object stores and live transactions. */
export interface RawDatabase {
  name: string;
  version: number;
  rawObjectStores: Map<string, RawObjectStore>;
  transactions: RawTransaction[];
}

/** A transaction as fake-indexeddb keeps it. */
export interface RawTransaction {
  mode: "readonly" | "readwrite" | "versionchange";
  db: { _rawDatabase: RawDatabase };
  _rollbackLog: unknown[];
  _abort(errorName: string | null): void;
  dispatchEvent(event: { type: string }): unknown;
}

/** A factory, with the map of databases it holds. */
export interface RawFactory {
  _databases: Map<string, RawDatabase>;
}

type Constructor<T> = new (...args: never[]) => T;

/** The classes the journal hooks or builds with. */
export interface Engine {
  /** fake-indexeddb's public exports (IDBFactory, IDBKeyRange, …). */
  readonly api: typeof fake;
  readonly Database: new (name: string, version: number) => RawDatabase;
  readonly ObjectStore: new (
    db: RawDatabase,
    name: string,
    keyPath: string | string[] | null,
    autoIncrement: boolean,
  ) => RawObjectStore;
  readonly Index: new (
    store: RawObjectStore,
    name: string,
    keyPath: string | string[],
    multiEntry: boolean,
    unique: boolean,
  ) => RawIndex;
  readonly Transaction: Constructor<RawTransaction>;
  readonly Factory: new () => RawFactory;
}

function internal<T>(file: string): T {
  const dir = path.dirname(require.resolve("fake-indexeddb"));
  // `require`, not createRequire: under Jest this must be the same module instance that
  // fake-indexeddb's own files load, or the hooks would patch a copy nobody uses.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const loaded = require(path.join(dir, file)) as { default?: T } | T;
  return (loaded as { default?: T }).default ?? (loaded as T);
}

let engine: Engine | undefined;

/** The engine's classes, loaded once and checked. */
export function loadEngine(): Engine {
  if (engine) return engine;
  const loaded: Engine = {
    api: fake,
    Database: internal("lib/Database.js"),
    ObjectStore: internal("lib/ObjectStore.js"),
    Index: internal("lib/Index.js"),
    Transaction: fake.IDBTransaction as unknown as Constructor<RawTransaction>,
    Factory: fake.IDBFactory as unknown as new () => RawFactory,
  };
  checkEngine(loaded);
  engine = loaded;
  return engine;
}

function checkEngine(candidate: Engine): void {
  const store = candidate.ObjectStore.prototype as Partial<RawObjectStore>;
  const missing = [
    typeof store.storeRecord === "function" ? null : "ObjectStore.storeRecord",
    typeof store.deleteRecord === "function" ? null : "ObjectStore.deleteRecord",
    typeof store.clear === "function" ? null : "ObjectStore.clear",
    typeof (candidate.Transaction.prototype as Partial<RawTransaction>)._abort === "function"
      ? null
      : "IDBTransaction._abort",
    "_databases" in new candidate.Factory() ? null : "IDBFactory._databases",
  ].filter((name): name is string => name !== null);
  if (missing.length > 0) {
    throw new Error(
      `fake-indexeddb's internals changed (${missing.join(", ")} missing): the crypto store's ` +
        "journal is written against fake-indexeddb 6.2.8; pin that version in " +
        "services/appservice/package.json",
    );
  }
}
