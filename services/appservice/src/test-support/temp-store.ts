/**
 * A fresh SQLite store file for each test, removed after it (unit tests only). Declared once at
 * the top of a file or `describe`, it replaces the mkdtemp/open/close/rm hooks every store test
 * used to write out.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Store } from "../store/store";

/**
 * The path of a store file in a directory of its own, new for each test; for tests that open,
 * close and reopen the file themselves, as a restart of Atrium would.
 */
export function storeFilePerTest(): () => string {
  let dir: string | undefined;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "atrium-test-"));
  });
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });
  return () => {
    if (!dir) throw new Error("storeFilePerTest: only inside a test");
    return path.join(dir, "atrium.db");
  };
}

/** A store opened on a new file before each test and closed after it. */
export function storePerTest(): () => Store {
  let dir: string | undefined;
  let store: Store | undefined;
  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "atrium-test-"));
    store = await Store.open({ engine: "sqlite", filename: path.join(dir, "atrium.db") });
  });
  afterEach(async () => {
    await store?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    store = dir = undefined;
  });
  return () => {
    if (!store) throw new Error("storePerTest: only inside a test");
    return store;
  };
}
