import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { acquireInstanceLock, InstanceLockedError } from "./instance-lock";

describe("instance lock (SQLite)", () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), "atrium-lock-"))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("refuses a second holder, saying why, until the first releases", async () => {
    const database = { engine: "sqlite" as const, filename: path.join(dir, "atrium.db") };
    const first = await acquireInstanceLock(database);
    const second = acquireInstanceLock(database);
    await expect(second).rejects.toBeInstanceOf(InstanceLockedError);
    await expect(second).rejects.toThrow(/another Atrium appservice is already running/);
    await first.release();
    const third = await acquireInstanceLock(database);
    await third.release();
  });
});
