import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pino from "pino";
import { Store } from "../../store/store";
import { CallStore } from "./store";
import { RemovalWorker } from "./removals";
import type { Sfu } from "./sfu";

const log = pino({ level: "silent" });

async function withStore(fn: (calls: CallStore, file: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), "atrium-rtc-"));
  const file = path.join(dir, "atrium.db");
  const store = await Store.open({ engine: "sqlite", filename: file });
  try {
    await fn(new CallStore(store.db), file);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const row = { livekit_room: "LK", identity: "ID", room_id: "!r:x", user_id: "@a:x", reason: "ban" };

describe("the removal outbox", () => {
  it("retries an SFU that fails, with growing delays, until it confirms; then the row is done", async () => {
    await withStore(async (calls) => {
      // The worker's clock starts after the enqueue (which stamps the real time).
      let clock = Date.now() + 10;
      const outcomes: Array<"fail" | "removed"> = ["fail", "fail", "removed"];
      const asked: number[] = [];
      const sfu: Pick<Sfu, "removeParticipant"> = {
        removeParticipant: async () => {
          asked.push(clock);
          if (outcomes.shift() === "fail") throw new Error("connect ECONNREFUSED");
          return "removed";
        },
      };
      const worker = new RemovalWorker({
        store: calls,
        sfu,
        log,
        now: () => clock,
        backoffBaseMs: 1000,
      });
      await calls.enqueueRemoval(row);
      await worker.kick();
      expect((await calls.pendingRemovals())[0]).toMatchObject({
        attempts: 1,
        next_attempt_at: clock + 1000,
      });
      await worker.kick(); // not due yet: nothing asked
      expect(asked).toHaveLength(1);
      clock += 1000;
      await worker.kick();
      expect((await calls.pendingRemovals())[0]).toMatchObject({
        attempts: 2,
        next_attempt_at: clock + 2000,
      });
      clock += 2000;
      await worker.kick();
      expect(asked).toHaveLength(3);
      expect(await calls.pendingRemovals()).toEqual([]);
      await worker.stop();
    });
  });

  it("counts 'participant not found' as done", async () => {
    await withStore(async (calls) => {
      const worker = new RemovalWorker({
        store: calls,
        sfu: { removeParticipant: async () => "gone" },
        log,
      });
      await calls.enqueueRemoval(row);
      await worker.kick();
      expect(await calls.pendingRemovals()).toEqual([]);
    });
  });

  it("keeps a removal across a restart: a new store on the same file still has it due", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "atrium-rtc-"));
    const file = path.join(dir, "atrium.db");
    const first = await Store.open({ engine: "sqlite", filename: file });
    await new CallStore(first.db).enqueueRemoval(row);
    await first.close();
    const second = await Store.open({ engine: "sqlite", filename: file });
    const removed: string[] = [];
    const worker = new RemovalWorker({
      store: new CallStore(second.db),
      sfu: {
        removeParticipant: async (room, identity) => (
          removed.push(`${room}/${identity}`),
          "removed"
        ),
      },
      log,
    });
    await worker.kick();
    expect(removed).toEqual(["LK/ID"]);
    await second.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("re-arms a done removal when the same participant must go again (rejoined, banned again)", async () => {
    await withStore(async (calls) => {
      const worker = new RemovalWorker({
        store: calls,
        sfu: { removeParticipant: async () => "removed" },
        log,
      });
      await calls.enqueueRemoval(row);
      await worker.kick();
      await calls.enqueueRemoval({ ...row, reason: "kick" });
      expect(await calls.pendingRemovals()).toEqual([
        expect.objectContaining({ reason: "kick", attempts: 0 }),
      ]);
    });
  });
});
