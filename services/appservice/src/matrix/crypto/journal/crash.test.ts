import { spawn } from "node:child_process";
import { join } from "node:path";
import { all, openDb, result, journalPerTest } from "./test-support/idb";

const temp = journalPerTest();

const child = join(__dirname, "test-support", "crash-child.cjs");

/** Runs the crash child; resolves with the signal that ended it. */
function runChild(mode: "self" | "parent"): Promise<NodeJS.Signals | null> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [child, temp.file, mode], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    proc.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    proc.stdout.on("data", (chunk: Buffer) => {
      // SIGKILL as soon as the child says its first transaction completed.
      if (chunk.toString().includes("committed")) proc.kill("SIGKILL");
    });
    proc.on("error", reject);
    proc.on("exit", (code, signal) => {
      if (signal === null) reject(new Error(`child exited with ${code}: ${stderr}`));
      else resolve(signal);
    });
  });
}

describe("durable IndexedDB journal, killed", () => {
  it("keeps a transaction when the process is SIGKILLed inside its complete event", async () => {
    expect(await runChild("self")).toBe("SIGKILL");

    const durable = await temp.open();
    const db = await openDb(durable.indexedDB, "app", 1);
    const first = await result<{ bytes: Uint8Array }>(
      db.transaction("kv").objectStore("kv").get("first"),
    );
    expect(first.bytes).toEqual(new Uint8Array([7, 7]));
  });

  it("keeps what completed and drops the transaction still open when SIGKILLed", async () => {
    expect(await runChild("parent")).toBe("SIGKILL");

    const durable = await temp.open();
    const db = await openDb(durable.indexedDB, "app", 1);
    const values = await all(db, "kv");
    expect(values).toHaveLength(1);
    expect(values[0]).toMatchObject({ bytes: new Uint8Array([7, 7]) });
  });
});
