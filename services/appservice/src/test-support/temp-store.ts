/**
 * A fresh SQLite store file for each test, removed after it (unit tests only). Declared once at
 * the top of a file or `describe`, it replaces the mkdtemp/open/close/rm hooks every store test
 * used to write out.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Store } from "../store/store";

export interface StoreRuns {
  /** Opens the test's file: Atrium starting. */
  open(): Promise<Store>;
  /** Closes the open store, as a stopping Atrium would, and opens the file again. */
  restart(): Promise<Store>;
}

/**
 * One store file per test, for tests that start Atrium on it themselves, once or across
 * restarts; the store left open is closed after the test, then the file removed.
 */
export function storeRunsPerTest(): StoreRuns {
  let dir: string | undefined;
  let current: Store | undefined;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "atrium-test-"));
  });
  afterEach(async () => {
    await current?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    current = dir = undefined;
  });
  const runs: StoreRuns = {
    async open() {
      if (!dir) throw new Error("storeRunsPerTest: only inside a test");
      if (current) throw new Error("storeRunsPerTest: one store at a time; restart() it");
      current = await Store.open({ engine: "sqlite", filename: path.join(dir, "atrium.db") });
      return current;
    },
    async restart() {
      await current?.close();
      current = undefined;
      return runs.open();
    },
  };
  return runs;
}

/** A store opened on a new file before each test and closed after it. */
export function storePerTest(): () => Store {
  const runs = storeRunsPerTest();
  let store: Store | undefined;
  beforeEach(async () => {
    store = await runs.open();
  });
  return () => {
    if (!store) throw new Error("storePerTest: only inside a test");
    return store;
  };
}
