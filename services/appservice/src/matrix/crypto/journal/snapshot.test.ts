import { copyFileSync, existsSync, statSync } from "node:fs";
import { all, openApp, put, journalPerTest } from "./test-support/idb";
import { openDurableIndexedDb } from "./index";

const temp = journalPerTest();

describe("durable IndexedDB journal: the copy backups archive", () => {
  it("is a journal of its own with every committed record, written while the store stays open", async () => {
    const { first, db } = await temp.startApp();
    await put(db, "kv", [
      ["a", 1],
      ["b", new Uint8Array([7])],
    ]);
    const target = `${temp.file}.snapshot`;
    first.snapshot(target);
    // Written after the copy: not in it.
    await put(db, "kv", [["c", 3]]);

    expect(statSync(target).mode & 0o777).toBe(0o600);
    expect(existsSync(`${target}.partial`)).toBe(false);
    // Restored as a backup would put it back: in the live file's place, alone.
    const restored = `${temp.file}.restored`;
    copyFileSync(target, restored);
    const copy = await openDurableIndexedDb({ file: restored });
    try {
      const back = await openApp(copy.indexedDB);
      expect(await all(back, "kv")).toEqual([1, new Uint8Array([7])]);
      back.close();
    } finally {
      await copy.close();
    }
    db.close();
  });

  it("replaces the previous copy", async () => {
    const { first, db } = await temp.startApp();
    const target = `${temp.file}.snapshot`;
    await put(db, "kv", [["a", 1]]);
    first.snapshot(target);
    await put(db, "kv", [["b", 2]]);
    first.snapshot(target);
    const copy = await openDurableIndexedDb({ file: target });
    try {
      const back = await openApp(copy.indexedDB);
      expect(await all(back, "kv")).toEqual([1, 2]);
      back.close();
    } finally {
      await copy.close();
    }
    db.close();
  });
});
