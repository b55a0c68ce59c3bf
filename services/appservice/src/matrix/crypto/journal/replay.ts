/**
 * Start: the mirror's databases rebuilt inside a fresh fake-indexeddb factory, before anyone
 * opens them. Records go straight into fake-indexeddb's raw stores (no transactions, no
 * clones: each value is deserialised once), indexes are filled as the records arrive.
 */
import { deserialize } from "node:v8";
import type { Engine, RawDatabase, RawFactory, RawObjectStore } from "./engine";
import type { Mirror } from "./mirror";

/** Fills `factory` with the mirror's databases; returns how many records it replayed. */
export function replay(engine: Engine, mirror: Mirror, factory: RawFactory): number {
  const stores = new Map<string, Map<string, RawObjectStore>>();
  const generators: [RawObjectStore, number][] = [];
  for (const schema of mirror.readSchema()) {
    const database: RawDatabase = new engine.Database(schema.name, schema.version);
    const byName = new Map<string, RawObjectStore>();
    for (const storeSchema of schema.stores) {
      const store = new engine.ObjectStore(
        database,
        storeSchema.name,
        storeSchema.keyPath,
        storeSchema.autoIncrement,
      );
      for (const i of storeSchema.indexes) {
        const index = new engine.Index(store, i.name, i.keyPath, i.multiEntry, i.unique);
        index.initialized = true;
        store.rawIndexes.set(i.name, index);
      }
      database.rawObjectStores.set(store.name, store);
      byName.set(store.name, store);
      if (storeSchema.keyGenerator !== null) generators.push([store, storeSchema.keyGenerator]);
    }
    stores.set(schema.name, byName);
    factory._databases.set(schema.name, database);
  }
  let count = 0;
  for (const record of mirror.readRecords()) {
    const store = stores.get(record.db)?.get(record.store);
    if (!store) {
      throw new Error(
        `${mirror.file}: a record of ${record.db}/${record.store}, a store the file does not ` +
          "define: the file is damaged; restore it from the backup",
      );
    }
    store.storeRecord({ key: deserialize(record.key), value: deserialize(record.value) }, false);
    count += 1;
  }
  // Explicit keys raised the generators as they were stored; set them to what was committed
  // (higher when the highest records were deleted).
  for (const [store, num] of generators) {
    if (store.keyGenerator) store.keyGenerator.num = num;
  }
  return count;
}
