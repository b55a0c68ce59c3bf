/**
 * The hooks in fake-indexeddb through which the journal sees every change.
 *
 * Every write of IndexedDB ends in one of three raw object-store operations (store a record,
 * delete a key or key range, clear), each called with its transaction's rollback log; every
 * transaction ends by dispatching `complete` or `abort`. The hooks wrap those four, once per
 * loaded engine, and hand what they see to the journal that owns the database (a database no
 * journal owns, such as plain fake-indexeddb used elsewhere in the process, is left alone).
 *
 * `complete` is written before the event reaches any listener, synchronously, so no code that
 * waits for the transaction runs before its changes are in the file. If the write fails, the
 * transaction is aborted instead (its rollback log is still whole at that point), as a browser
 * aborts a transaction whose commit fails.
 */
import type { Logger } from "pino";
import type { Engine, RawDatabase, RawObjectStore, RawTransaction } from "./engine";
import type { Journal } from "./journal";

const owners = new WeakMap<RawDatabase, { journal: Journal; logger: Logger | undefined }>();
const installed = new WeakSet<Engine>();

/** Makes `journal` the owner of `database`: its committed transactions are written there. */
export function adopt(database: RawDatabase, journal: Journal, logger?: Logger): void {
  owners.set(database, { journal, logger });
}

function transactionOf(store: RawObjectStore, rollbackLog: unknown[] | undefined) {
  // Calls without a rollback log are fake-indexeddb undoing an aborted transaction.
  if (rollbackLog === undefined) return undefined;
  const owner = owners.get(store.rawDatabase);
  if (!owner) return undefined;
  const transaction = store.rawDatabase.transactions.find((t) => t._rollbackLog === rollbackLog);
  if (!transaction) {
    throw new Error("journal: a write outside any transaction of its database");
  }
  return { journal: owner.journal, transaction };
}

/** Wraps fake-indexeddb's raw writes and transaction ends (idempotent per engine). */
export function installHooks(engine: Engine): void {
  if (installed.has(engine)) return;
  installed.add(engine);
  const store = engine.ObjectStore.prototype as RawObjectStore;
  const { storeRecord, deleteRecord, clear } = store;

  store.storeRecord = function (this: RawObjectStore, record, noOverwrite, rollbackLog) {
    const result = storeRecord.call(this, record, noOverwrite, rollbackLog);
    // After the call: an auto-incremented key is known only now.
    const owner = transactionOf(this, rollbackLog);
    owner?.journal.touch(owner.transaction, this, [record.key]);
    return result;
  };

  store.deleteRecord = function (this: RawObjectStore, key, rollbackLog) {
    const owner = transactionOf(this, rollbackLog);
    if (owner) {
      // A key range is resolved to the keys it holds now, before they are gone.
      const keys = [...this.records.values(rangeOf(engine, key))].map((r) => r.key);
      owner.journal.touch(owner.transaction, this, keys);
    }
    deleteRecord.call(this, key, rollbackLog);
  };

  store.clear = function (this: RawObjectStore, rollbackLog) {
    const owner = transactionOf(this, rollbackLog);
    owner?.journal.clear(owner.transaction, this);
    clear.call(this, rollbackLog);
  };

  const transaction = engine.Transaction.prototype as RawTransaction;
  const dispatchEvent = transaction.dispatchEvent;
  transaction.dispatchEvent = function (this: RawTransaction, event) {
    const owner = owners.get(this.db._rawDatabase);
    if (owner && event.type === "abort") owner.journal.abort(this);
    if (owner && event.type === "complete") {
      try {
        owner.journal.commit(this);
      } catch (error) {
        owner.logger?.error(
          { err: error, database: this.db._rawDatabase.name },
          "crypto store: a transaction could not be written to its journal; it is aborted",
        );
        this._abort("UnknownError");
        return true;
      }
    }
    return dispatchEvent.call(this, event);
  };
}

function rangeOf(engine: Engine, key: unknown): unknown {
  return key instanceof engine.api.IDBKeyRange ? key : engine.api.IDBKeyRange.only(key);
}
