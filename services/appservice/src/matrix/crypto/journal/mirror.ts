/**
 * The SQLite side of the journal: a mirror of every IndexedDB database, one row per record,
 * updated by one SQLite transaction per committed IndexedDB transaction.
 *
 * A mirror rather than an append-only log: the file holds the current value of each
 * (database, store, key), so it never grows beyond the data and replay reads each record once.
 */
import { DatabaseSync, type StatementSync } from "node:sqlite";

/** The version of the tables below; a file from a newer Atrium is refused, not misread. */
const FORMAT = 1;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS idb_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS idb_databases (db TEXT PRIMARY KEY, version INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS idb_stores (
  db TEXT NOT NULL, store TEXT NOT NULL, key_path TEXT NOT NULL, auto_increment INTEGER NOT NULL,
  key_generator INTEGER, indexes TEXT NOT NULL, PRIMARY KEY (db, store));
CREATE TABLE IF NOT EXISTS idb_records (
  db TEXT NOT NULL, store TEXT NOT NULL, key_id TEXT NOT NULL, key BLOB NOT NULL,
  value BLOB NOT NULL, PRIMARY KEY (db, store, key_id));
`;

/** An index's definition. */
export interface IndexSchema {
  name: string;
  keyPath: string | string[];
  multiEntry: boolean;
  unique: boolean;
}

/** An object store's definition and key generator. */
export interface StoreSchema {
  name: string;
  keyPath: string | string[] | null;
  autoIncrement: boolean;
  keyGenerator: number | null;
  indexes: IndexSchema[];
}

/** A record ready for SQLite: its key id and serialised key and value. */
export interface SerialisedRecord {
  id: string;
  key: Uint8Array;
  value: Uint8Array;
}

/** What one readwrite transaction changed in one object store. */
export interface StoreChanges {
  store: string;
  /** The store was cleared: every row of it goes before the puts are written. */
  cleared: boolean;
  puts: SerialisedRecord[];
  deletes: string[];
  keyGenerator: number | null;
}

/** A whole database, as written after a versionchange transaction. */
export interface DatabaseSnapshot {
  name: string;
  version: number;
  stores: { schema: StoreSchema; records: SerialisedRecord[] }[];
}

/** A record read back at start. */
export interface StoredRecord {
  db: string;
  store: string;
  key: Uint8Array;
  value: Uint8Array;
}

/** The SQLite file and its prepared statements. */
export class Mirror {
  private readonly sql: DatabaseSync;
  /** Transactions committed since the file was opened (a copy made at the same count is current). */
  commits = 0;
  private readonly statements: Record<
    "putRecord" | "deleteRecord" | "clearStore" | "setKeyGenerator",
    StatementSync
  >;

  /** Opens (creating if needed) the file; throws a clear error if it is not a journal. */
  constructor(readonly file: string) {
    try {
      this.sql = new DatabaseSync(file);
      // busy_timeout: another connection to the file (a backup reading it, the appservice's own
      // tables beside these) makes a commit wait rather than fail and abort its transaction.
      this.sql.exec(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000;",
      );
      this.sql.exec(SCHEMA);
    } catch (error) {
      throw new Error(
        `${file} is not a readable crypto store journal (${String(error)}): restore it from ` +
          "the backup, or move it away to start a new store",
        { cause: error },
      );
    }
    this.checkFormat();
    this.statements = {
      putRecord: this.sql.prepare(
        "INSERT INTO idb_records (db, store, key_id, key, value) VALUES (?, ?, ?, ?, ?) " +
          "ON CONFLICT (db, store, key_id) DO UPDATE SET key = excluded.key, value = excluded.value",
      ),
      deleteRecord: this.sql.prepare(
        "DELETE FROM idb_records WHERE db = ? AND store = ? AND key_id = ?",
      ),
      clearStore: this.sql.prepare("DELETE FROM idb_records WHERE db = ? AND store = ?"),
      setKeyGenerator: this.sql.prepare(
        "UPDATE idb_stores SET key_generator = ? WHERE db = ? AND store = ?",
      ),
    };
  }

  private checkFormat(): void {
    const row = this.sql.prepare("SELECT value FROM idb_meta WHERE name = 'format'").get();
    if (row === undefined) {
      this.sql.prepare("INSERT INTO idb_meta (name, value) VALUES ('format', ?)").run(`${FORMAT}`);
      return;
    }
    if (Number(row["value"]) !== FORMAT) {
      throw new Error(
        `${this.file} is a crypto store journal of format ${String(row["value"])}, this Atrium ` +
          `reads format ${FORMAT}: run the Atrium version that wrote it, or restore a backup`,
      );
    }
  }

  /** Writes one readwrite transaction's changes, all or nothing. */
  writeChanges(db: string, changes: StoreChanges[]): void {
    this.inTransaction(() => {
      const s = this.statements;
      for (const change of changes) {
        if (change.cleared) s.clearStore.run(db, change.store);
        for (const id of change.deletes) s.deleteRecord.run(db, change.store, id);
        for (const r of change.puts) s.putRecord.run(db, change.store, r.id, r.key, r.value);
        if (change.keyGenerator !== null) {
          s.setKeyGenerator.run(change.keyGenerator, db, change.store);
        }
      }
    });
  }

  /** Replaces a whole database (after a versionchange: its schema and data may have changed). */
  writeSnapshot(snapshot: DatabaseSnapshot): void {
    this.inTransaction(() => {
      this.removeDatabase(snapshot.name);
      this.sql
        .prepare("INSERT INTO idb_databases (db, version) VALUES (?, ?)")
        .run(snapshot.name, snapshot.version);
      const insertStore = this.sql.prepare(
        "INSERT INTO idb_stores (db, store, key_path, auto_increment, key_generator, indexes) " +
          "VALUES (?, ?, ?, ?, ?, ?)",
      );
      for (const { schema, records } of snapshot.stores) {
        insertStore.run(
          snapshot.name,
          schema.name,
          JSON.stringify(schema.keyPath),
          schema.autoIncrement ? 1 : 0,
          schema.keyGenerator,
          JSON.stringify(schema.indexes),
        );
        for (const r of records) {
          this.statements.putRecord.run(snapshot.name, schema.name, r.id, r.key, r.value);
        }
      }
    });
  }

  /** Forgets a deleted database. */
  deleteDatabase(db: string): void {
    this.inTransaction(() => this.removeDatabase(db));
  }

  private removeDatabase(db: string): void {
    for (const table of ["idb_records", "idb_stores", "idb_databases"]) {
      this.sql.prepare(`DELETE FROM ${table} WHERE db = ?`).run(db);
    }
  }

  /** Every database with its version and stores. */
  readSchema(): { name: string; version: number; stores: StoreSchema[] }[] {
    const databases = this.sql.prepare("SELECT db, version FROM idb_databases ORDER BY db").all();
    const stores = this.sql.prepare("SELECT * FROM idb_stores WHERE db = ? ORDER BY store");
    return databases.map((row) => ({
      name: String(row["db"]),
      version: Number(row["version"]),
      stores: stores.all(row["db"] as string).map((s) => ({
        name: String(s["store"]),
        keyPath: JSON.parse(String(s["key_path"])) as string | string[] | null,
        autoIncrement: s["auto_increment"] === 1,
        keyGenerator: s["key_generator"] === null ? null : Number(s["key_generator"]),
        indexes: JSON.parse(String(s["indexes"])) as IndexSchema[],
      })),
    }));
  }

  /** Every record, one at a time (the store may be large). */
  *readRecords(): Generator<StoredRecord> {
    const query = this.sql.prepare("SELECT db, store, key, value FROM idb_records");
    for (const row of query.iterate()) {
      yield {
        db: row["db"] as string,
        store: row["store"] as string,
        key: row["key"] as Uint8Array,
        value: row["value"] as Uint8Array,
      };
    }
  }

  /**
   * Writes a consistent copy of the journal to `target` (VACUUM INTO: one read transaction, so
   * the copy holds whole commits only, whatever the WAL is doing). `target` must not exist.
   */
  copyTo(target: string): void {
    this.sql.prepare("VACUUM INTO ?").run(target);
  }

  /** Closes the file (a checkpoint folds the WAL back into it). */
  close(): void {
    if (this.sql.isOpen) this.sql.close();
  }

  /** Whether the file is still open. */
  get isOpen(): boolean {
    return this.sql.isOpen;
  }

  private inTransaction(work: () => void): void {
    this.sql.exec("BEGIN IMMEDIATE");
    try {
      work();
      this.sql.exec("COMMIT");
      this.commits++;
    } catch (error) {
      if (this.sql.isTransaction) this.sql.exec("ROLLBACK");
      throw error;
    }
  }
}
