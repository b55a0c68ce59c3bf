import pino from "pino";
import { storeRunsPerTest } from "../../test-support/temp-store";
import { CallStore } from "./store";
import { RemovalWorker } from "./removals";
import type { Sfu } from "./sfu";

const log = pino({ level: "silent" });

const stores = storeRunsPerTest();
/** The calls' tables in this test's store. */
const callStore = async () => new CallStore((await stores.open()).db);
/** A worker whose SFU answers `outcome` to every removal. */
const workerAnswering = (calls: CallStore, outcome: "removed" | "gone") =>
  new RemovalWorker({ store: calls, sfu: { removeParticipant: async () => outcome }, log });

const row = { livekit_room: "LK", identity: "ID", room_id: "!r:x", user_id: "@a:x", reason: "ban" };

describe("the removal outbox", () => {
  it("retries an SFU that fails, with growing delays, until it confirms; then the row is done", async () => {
    const calls = await callStore();
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

  it("counts 'participant not found' as done", async () => {
    const calls = await callStore();
    const worker = workerAnswering(calls, "gone");
    await calls.enqueueRemoval(row);
    await worker.kick();
    expect(await calls.pendingRemovals()).toEqual([]);
  });

  it("keeps a removal across a restart: a new store on the same file still has it due", async () => {
    await (await callStore()).enqueueRemoval(row);
    const second = await stores.restart();
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
  });

  it("re-arms a done removal when the same participant must go again (rejoined, banned again)", async () => {
    const calls = await callStore();
    const worker = workerAnswering(calls, "removed");
    await calls.enqueueRemoval(row);
    await worker.kick();
    await calls.enqueueRemoval({ ...row, reason: "kick" });
    expect(await calls.pendingRemovals()).toEqual([
      expect.objectContaining({ reason: "kick", attempts: 0 }),
    ]);
  });
});
