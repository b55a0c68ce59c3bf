import { readFileSync, writeFileSync } from "node:fs";
import { all, done, openApp, put, result, journalPerTest } from "./test-support/idb";

const temp = journalPerTest();

describe("durable IndexedDB journal: records", () => {
  it("keeps committed records and their structured-clone values across a restart", async () => {
    const { first, db } = await temp.startApp();
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

    const second = await temp.reopen(first);
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
    const { first, db } = await temp.startApp();
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

    const db2 = await temp.restartApp(first, db);
    expect(await all(db2, "kv")).toEqual([1]);
  });

  it("commits the rest of a transaction whose failed add had its error handled", async () => {
    const { first, db } = await temp.startApp();
    await put(db, "kv", [["a", 1]]);
    const tx = db.transaction("kv", "readwrite");
    const failing = tx.objectStore("kv").add(2, "a");
    failing.onerror = (event: { preventDefault(): void }) => event.preventDefault();
    tx.objectStore("kv").put(3, "b");
    await done(tx);

    const db2 = await temp.restartApp(first, db);
    expect(await all(db2, "kv")).toEqual([1, 3]);
  });

  it("resolves a range delete to the keys it removed", async () => {
    const { first, db } = await temp.startApp();
    await put(
      db,
      "kv",
      Array.from({ length: 10 }, (_, i): [unknown, unknown] => [i, `v${i}`]),
    );
    const tx = db.transaction("kv", "readwrite");
    tx.objectStore("kv").delete(first.globals.IDBKeyRange.bound(2, 5, false, true));
    tx.objectStore("kv").delete(first.globals.IDBKeyRange.lowerBound(8));
    await done(tx);

    const db2 = await temp.restartApp(first, db);
    expect(await all(db2, "kv")).toEqual(["v0", "v1", "v5", "v6", "v7"]);
  });

  it("keeps cursor updates and cursor deletes, through the store and through an index", async () => {
    const { first, db } = await temp.startApp();
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

    const db2 = await temp.restartApp(first, db);
    expect(await all(db2, "people")).toEqual([
      { id: 1, city: "Lyon", name: "Ada" },
      { id: 2, city: "Oslo", name: "Bob" },
    ]);
    const byCity = db2.transaction("people").objectStore("people").index("byCity");
    expect(await result(byCity.getAll("Lyon"))).toEqual([{ id: 1, city: "Lyon", name: "Ada" }]);
  });

  it("keeps a clear and the puts that followed it in the same transaction", async () => {
    const { first, db } = await temp.startApp();
    await put(db, "kv", [
      ["a", 1],
      ["b", 2],
    ]);
    const tx = db.transaction("kv", "readwrite");
    tx.objectStore("kv").put(3, "c");
    tx.objectStore("kv").clear();
    tx.objectStore("kv").put(4, "d");
    await done(tx);

    const db2 = await temp.restartApp(first, db);
    expect(await all(db2, "kv")).toEqual([4]);
  });

  it("writes parallel transactions on different stores each on its own outcome", async () => {
    const { first, db } = await temp.startApp();
    const kept = db.transaction("kv", "readwrite");
    const dropped = db.transaction("people", "readwrite");
    kept.objectStore("kv").put("kept", 1);
    dropped.objectStore("people").put({ id: 9, city: "Nice" });
    dropped.objectStore("people").get(9).onsuccess = () => dropped.abort();
    kept.objectStore("kv").put("kept too", 2);
    await Promise.all([done(kept), expect(done(dropped)).rejects.toBeDefined()]);

    const db2 = await temp.restartApp(first, db);
    expect(await all(db2, "kv")).toEqual(["kept", "kept too"]);
    expect(await all(db2, "people")).toEqual([]);
  });

  it("aborts a transaction it cannot write, leaving memory as it was", async () => {
    const { first, db } = await temp.startApp();
    await put(db, "kv", [["a", 1]]);
    await first.close();

    const tx = db.transaction("kv", "readwrite");
    tx.objectStore("kv").put(2, "a");
    await expect(done(tx)).rejects.toMatchObject({ name: "UnknownError" });
    expect(await all(db, "kv")).toEqual([1]);
  });

  it("refuses to open a file twice in one process, and opens it again once closed", async () => {
    const first = await temp.open();
    await expect(temp.open()).rejects.toThrow(/is already open in this process/);
    await first.close();
    await expect(temp.open()).resolves.toBeDefined();
  });

  it("refuses a file that is not a journal, and leaves it as it was", async () => {
    writeFileSync(temp.file, "not a database, some notes of an operator".repeat(100));
    await expect(temp.open()).rejects.toThrow(/is not a readable crypto store journal/);
    expect(readFileSync(temp.file, "utf8")).toMatch(/^not a database/);
  });
});

type Cursor = {
  value: unknown;
  update(value: unknown): unknown;
  delete(): unknown;
  continue(): void;
};
