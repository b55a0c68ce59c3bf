import { readFileSync, writeFileSync } from "node:fs";
import { all, done, openDb, result, TempStore, type Db } from "./test-support/idb";

let temp: TempStore;
beforeEach(() => {
  temp = new TempStore();
});
afterEach(() => temp.dispose());

/** A database "app" v1 with an out-of-line-key store "kv" and an in-line-key store "people". */
async function openApp(factory: Parameters<typeof openDb>[0]): Promise<Db> {
  return openDb(factory, "app", 1, (db) => {
    db.createObjectStore("kv");
    const people = db.createObjectStore("people", { keyPath: "id" });
    people.createIndex("byCity", "city");
  });
}

/** The file reopened, closing the previous instance first as a restart would. */
async function reopen(previous: { close(): Promise<void> }) {
  await previous.close();
  return temp.open();
}

async function put(db: Db, store: string, entries: [unknown, unknown][]): Promise<void> {
  const tx = db.transaction(store, "readwrite");
  for (const [key, value] of entries) {
    if (key === undefined) tx.objectStore(store).put(value);
    else tx.objectStore(store).put(value, key);
  }
  await done(tx);
}

describe("durable IndexedDB journal", () => {
  it("keeps committed records and their structured-clone values across a restart", async () => {
    const first = await temp.open();
    const db = await openApp(first.indexedDB);
    const value = {
      bytes: new Uint8Array([1, 2, 3]),
      buffer: new Uint8Array([9]).buffer,
      when: new Date(5),
      map: new Map([["a", 1]]),
    };
    await put(db, "kv", [
      ["k1", value],
      [["compound", 2], "array key"],
    ]);
    db.close();

    const second = await reopen(first);
    const db2 = await openApp(second.indexedDB);
    const tx = db2.transaction("kv");
    const back = await result<typeof value>(tx.objectStore("kv").get("k1"));
    expect(back.bytes).toEqual(new Uint8Array([1, 2, 3]));
    expect(new Uint8Array(back.buffer)).toEqual(new Uint8Array([9]));
    expect(back.when.getTime()).toBe(5);
    expect(back.map.get("a")).toBe(1);
    expect(await result(tx.objectStore("kv").get(["compound", 2]))).toBe("array key");
    expect(db2.version).toBe(1);
    expect(second.stats).toMatchObject({ replayedRecords: 2, file: temp.file });
  });

  it("never writes an aborted transaction, whether aborted by the code or by a failed request", async () => {
    const first = await temp.open();
    const db = await openApp(first.indexedDB);
    await put(db, "kv", [["kept", 1]]);

    const byCode = db.transaction("kv", "readwrite");
    byCode.objectStore("kv").put(2, "kept");
    byCode.objectStore("kv").put("x", "new");
    byCode.abort();
    await expect(done(byCode)).rejects.toBeDefined();

    const byFailure = db.transaction("kv", "readwrite");
    byFailure.objectStore("kv").put("y", "other");
    byFailure.objectStore("kv").add(3, "kept"); // ConstraintError, not handled: aborts
    await expect(done(byFailure)).rejects.toMatchObject({ name: "ConstraintError" });
    db.close();

    const db2 = await openApp((await reopen(first)).indexedDB);
    expect(await all(db2, "kv")).toEqual([1]);
  });

  it("commits the rest of a transaction whose failed add had its error handled", async () => {
    const first = await temp.open();
    const db = await openApp(first.indexedDB);
    await put(db, "kv", [["a", 1]]);
    const tx = db.transaction("kv", "readwrite");
    const failing = tx.objectStore("kv").add(2, "a");
    failing.onerror = (event: { preventDefault(): void }) => event.preventDefault();
    tx.objectStore("kv").put(3, "b");
    await done(tx);
    db.close();

    const db2 = await openApp((await reopen(first)).indexedDB);
    expect(await all(db2, "kv")).toEqual([1, 3]);
  });

  it("resolves a range delete to the keys it removed", async () => {
    const first = await temp.open();
    const db = await openApp(first.indexedDB);
    await put(
      db,
      "kv",
      Array.from({ length: 10 }, (_, i): [unknown, unknown] => [i, `v${i}`]),
    );
    const tx = db.transaction("kv", "readwrite");
    tx.objectStore("kv").delete(first.globals.IDBKeyRange.bound(2, 5, false, true));
    tx.objectStore("kv").delete(first.globals.IDBKeyRange.lowerBound(8));
    await done(tx);
    db.close();

    const db2 = await openApp((await reopen(first)).indexedDB);
    expect(await all(db2, "kv")).toEqual(["v0", "v1", "v5", "v6", "v7"]);
  });

  it("keeps cursor updates and cursor deletes, through the store and through an index", async () => {
    const first = await temp.open();
    const db = await openApp(first.indexedDB);
    await put(db, "people", [
      [undefined, { id: 1, city: "Lyon", name: "Ada" }],
      [undefined, { id: 2, city: "Oslo", name: "Bo" }],
      [undefined, { id: 3, city: "Lyon", name: "Cy" }],
      [undefined, { id: 4, city: "Rome", name: "Di" }],
    ]);
    const tx = db.transaction("people", "readwrite");
    const store = tx.objectStore("people");
    store.openCursor().onsuccess = (event: { target: { result: Cursor | null } }) => {
      const cursor = event.target.result;
      if (!cursor) return;
      const person = cursor.value as { id: number; name: string };
      if (person.id === 2) cursor.update({ ...person, name: "Bob" });
      if (person.id === 4) cursor.delete();
      cursor.continue();
    };
    store.index("byCity").openCursor(first.globals.IDBKeyRange.only("Lyon")).onsuccess = (event: {
      target: { result: Cursor | null };
    }) => {
      const cursor = event.target.result;
      if (!cursor) return;
      if ((cursor.value as { id: number }).id === 3) cursor.delete();
      cursor.continue();
    };
    await done(tx);
    db.close();

    const db2 = await openApp((await reopen(first)).indexedDB);
    expect(await all(db2, "people")).toEqual([
      { id: 1, city: "Lyon", name: "Ada" },
      { id: 2, city: "Oslo", name: "Bob" },
    ]);
    const byCity = db2.transaction("people").objectStore("people").index("byCity");
    expect(await result(byCity.getAll("Lyon"))).toEqual([{ id: 1, city: "Lyon", name: "Ada" }]);
  });

  it("keeps a clear and the puts that followed it in the same transaction", async () => {
    const first = await temp.open();
    const db = await openApp(first.indexedDB);
    await put(db, "kv", [
      ["a", 1],
      ["b", 2],
    ]);
    const tx = db.transaction("kv", "readwrite");
    tx.objectStore("kv").put(3, "c");
    tx.objectStore("kv").clear();
    tx.objectStore("kv").put(4, "d");
    await done(tx);
    db.close();

    const db2 = await openApp((await reopen(first)).indexedDB);
    expect(await all(db2, "kv")).toEqual([4]);
  });

  it("keeps an upgrade: new version, stores created, renamed and deleted, indexes added", async () => {
    const first = await temp.open();
    const db1 = await openApp(first.indexedDB);
    await put(db1, "people", [
      [undefined, { id: 1, city: "Lyon", email: "a@x" }],
      [undefined, { id: 2, city: "Oslo", email: "b@x" }],
    ]);
    await put(db1, "kv", [["gone", 1]]);
    db1.close();
    const db2 = await openDb(first.indexedDB, "app", 2, (db, tx, oldVersion) => {
      expect(oldVersion).toBe(1);
      db.deleteObjectStore("kv");
      db.createObjectStore("settings").put("dark", "theme");
      const people = tx.objectStore("people");
      people.name = "members";
      people.createIndex("byEmail", "email", { unique: true });
      people.deleteIndex("byCity");
    });
    db2.close();

    const second = await reopen(first);
    const db3 = await openDb(second.indexedDB, "app", 2, () => {
      throw new Error("no upgrade expected: the file holds version 2");
    });
    expect(db3.version).toBe(2);
    expect([...db3.objectStoreNames]).toEqual(["members", "settings"]);
    const members = db3.transaction("members").objectStore("members");
    expect([...members.indexNames]).toEqual(["byEmail"]);
    expect(await result(members.index("byEmail").get("b@x"))).toMatchObject({ id: 2 });
    expect(await all(db3, "settings")).toEqual(["dark"]);
  });

  it("never writes an aborted upgrade: the version and the stores stay as they were", async () => {
    const first = await temp.open();
    (await openApp(first.indexedDB)).close();
    const upgrade = openDb(first.indexedDB, "app", 2, (db, tx) => {
      db.createObjectStore("half-made").put("x", "y");
      tx.objectStore("kv").put("written in the upgrade", "z");
      tx.abort();
    });
    await expect(upgrade).rejects.toMatchObject({ name: "AbortError" });

    const db = await openApp((await reopen(first)).indexedDB);
    expect(db.version).toBe(1);
    expect([...db.objectStoreNames]).toEqual(["kv", "people"]);
    expect(await all(db, "kv")).toEqual([]);
  });

  it("writes parallel transactions on different stores each on its own outcome", async () => {
    const first = await temp.open();
    const db = await openApp(first.indexedDB);
    const kept = db.transaction("kv", "readwrite");
    const dropped = db.transaction("people", "readwrite");
    kept.objectStore("kv").put("kept", 1);
    dropped.objectStore("people").put({ id: 9, city: "Nice" });
    dropped.objectStore("people").get(9).onsuccess = () => dropped.abort();
    kept.objectStore("kv").put("kept too", 2);
    await Promise.all([done(kept), expect(done(dropped)).rejects.toBeDefined()]);
    db.close();

    const db2 = await openApp((await reopen(first)).indexedDB);
    expect(await all(db2, "kv")).toEqual(["kept", "kept too"]);
    expect(await all(db2, "people")).toEqual([]);
  });

  it("resumes an auto-increment key generator where it was, past deleted keys", async () => {
    const first = await temp.open();
    const db = await openDb(first.indexedDB, "log", 1, (d) => {
      d.createObjectStore("lines", { autoIncrement: true });
    });
    await put(db, "lines", [
      [undefined, "one"],
      [undefined, "two"],
      [undefined, "three"],
    ]);
    const tx = db.transaction("lines", "readwrite");
    tx.objectStore("lines").delete(3);
    await done(tx);
    db.close();

    const db2 = await openDb((await reopen(first)).indexedDB, "log", 1);
    const tx2 = db2.transaction("lines", "readwrite");
    const key = result(tx2.objectStore("lines").put("four"));
    await done(tx2);
    expect(await key).toBe(4);
  });

  it("keeps the deletion of a database", async () => {
    const first = await temp.open();
    const db = await openApp(first.indexedDB);
    await put(db, "kv", [["a", 1]]);
    db.close();
    await result(first.indexedDB.deleteDatabase("app"));

    const second = await reopen(first);
    expect(await second.indexedDB.databases()).toEqual([]);
    expect(second.stats.replayedRecords).toBe(0);
  });

  it("aborts a transaction it cannot write, leaving memory as it was", async () => {
    const first = await temp.open();
    const db = await openApp(first.indexedDB);
    await put(db, "kv", [["a", 1]]);
    await first.close();

    const tx = db.transaction("kv", "readwrite");
    tx.objectStore("kv").put(2, "a");
    await expect(done(tx)).rejects.toMatchObject({ name: "UnknownError" });
    expect(await all(db, "kv")).toEqual([1]);
  });

  it("refuses a file that is not a journal, and leaves it as it was", async () => {
    writeFileSync(temp.file, "not a database, some notes of an operator".repeat(100));
    await expect(temp.open()).rejects.toThrow(/is not a readable crypto store journal/);
    expect(readFileSync(temp.file, "utf8")).toMatch(/^not a database/);
  });

  it("replays 10,000 records", async () => {
    const first = await temp.open();
    const db = await openDb(first.indexedDB, "sessions", 1, (d) => {
      d.createObjectStore("inbound", { keyPath: "id" }).createIndex("bySender", "sender");
    });
    const tx = db.transaction("inbound", "readwrite");
    for (let i = 0; i < 10_000; i += 1) {
      tx.objectStore("inbound").put({
        id: `s${i}`,
        sender: `@u${i % 50}:x`,
        pickle: randomBytes(),
      });
    }
    await done(tx);
    db.close();

    const second = await reopen(first);
    console.log(
      `journal: replayed ${second.stats.replayedRecords} records in ${second.stats.openMs} ms`,
    );
    expect(second.stats.replayedRecords).toBe(10_000);
    const db2 = await openDb(second.indexedDB, "sessions", 1);
    const store = db2.transaction("inbound").objectStore("inbound");
    expect(await result(store.count())).toBe(10_000);
    expect(await result(store.index("bySender").count("@u7:x"))).toBe(200);
  });
});

type Cursor = {
  value: unknown;
  update(value: unknown): unknown;
  delete(): unknown;
  continue(): void;
};

function randomBytes(): Uint8Array {
  // About the size of a pickled, encrypted megolm session.
  return crypto.getRandomValues(new Uint8Array(600));
}
