import { all, done, openApp, openDb, put, result, journalPerTest } from "./test-support/idb";

const temp = journalPerTest();

describe("durable IndexedDB journal: databases", () => {
  it("keeps an upgrade: new version, stores created, renamed and deleted, indexes added", async () => {
    const { first, db: db1 } = await temp.startApp();
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

    const second = await temp.reopen(first);
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

    const db = await openApp((await temp.reopen(first)).indexedDB);
    expect(db.version).toBe(1);
    expect([...db.objectStoreNames]).toEqual(["kv", "people"]);
    expect(await all(db, "kv")).toEqual([]);
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

    const db2 = await openDb((await temp.reopen(first)).indexedDB, "log", 1);
    const tx2 = db2.transaction("lines", "readwrite");
    const key = result(tx2.objectStore("lines").put("four"));
    await done(tx2);
    expect(await key).toBe(4);
  });

  it("keeps the deletion of a database", async () => {
    const { first, db } = await temp.startApp();
    await put(db, "kv", [["a", 1]]);
    db.close();
    await result(first.indexedDB.deleteDatabase("app"));

    const second = await temp.reopen(first);
    expect(await second.indexedDB.databases()).toEqual([]);
    expect(second.stats.replayedRecords).toBe(0);
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

    const second = await temp.reopen(first);
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

function randomBytes(): Uint8Array {
  // About the size of a pickled, encrypted megolm session.
  return crypto.getRandomValues(new Uint8Array(600));
}
