import pino from "pino";
import type { Store } from "../../store/store";
import { createMetrics } from "../../util/metrics";
import { Processor } from "./processor";
import type { CommandHandler } from "../../doors/commands/handler";
import type { Reactions } from "./reactions";
import type { MatrixGateway } from "../gateway";
import { storeRunsPerTest } from "../../test-support/temp-store";
import { world } from "../../test-support/world";

const message = (n: number) => ({
  event_id: `$e${n}`,
  room_id: "!r:x",
  sender: "@alice:x",
  type: "m.room.message",
  content: { msgtype: "m.text", body: `!pad p${n}` },
});
const inRoom = (n: number, room: string) => ({ ...message(n), room_id: room });

describe("Processor (durable inbox)", () => {
  const stores = storeRunsPerTest();

  function processorWith(store: Store, handle: (e: { event_id: string }) => Promise<void>) {
    const notices: string[] = [];
    const gateway = {
      botUserId: "@atrium:x",
      sendNotice: async (_room: string, plain: string) => void notices.push(plain),
    } as unknown as MatrixGateway;
    const processor = new Processor({
      store,
      commands: { handle } as unknown as CommandHandler,
      reactions: {} as Reactions,
      gateway,
      metrics: createMetrics(),
      log: pino({ level: "silent" }),
      backoffMs: () => 10,
    });
    return { processor, notices };
  }

  it("records each event once, whatever the transaction replays", async () => {
    const store = await stores.open();
    expect(await store.recordEvents("t1", [message(1), message(2)])).toBe(2);
    expect(await store.recordEvents("t1", [message(1), message(2)])).toBe(0);
    expect(await store.recordEvents("t2", [message(2), message(3)])).toBe(1);
    expect((await store.pendingEvents()).map((e) => e.eventId)).toEqual(["$e1", "$e2", "$e3"]);
  });

  it("runs a replayed command once, even after its inbox row was pruned: pads, widgets, ledger", async () => {
    const store = await stores.open();
    const w = world(store);
    const processor = new Processor({
      store,
      commands: w.commands,
      reactions: {} as Reactions,
      gateway: w.gateway,
      metrics: createMetrics(),
      log: pino({ level: "silent" }),
      backoffMs: () => 10,
    });
    await store.recordEvents("t1", [message(1)]);
    await processor.kick();
    await new Promise((r) => setTimeout(r, 5));
    await store.pruneInbox(0);
    // The homeserver retries the transaction, and the same event comes again in another one.
    expect(await store.recordEvents("t1", [message(1)])).toBe(1);
    await processor.kick();
    expect(await store.recordEvents("t2", [message(1)])).toBe(0);
    await processor.kick();
    expect(w.padsCreated).toEqual(["p1"]);
    expect(w.widgetWrites).toHaveLength(1);
    expect(w.notices).toHaveLength(1);
    expect(await store.widgetsInRoom("!r:x")).toHaveLength(1);
    const ledger = await store.db.selectFrom("ledger").selectAll().execute();
    expect(ledger).toEqual([expect.objectContaining({ event_id: "$e1", outcome: "done" })]);
  });

  it("resumes, after a restart, the events a crashed run recorded but did not finish", async () => {
    let store = await stores.open();
    await store.recordEvents("t1", [message(1), message(2), message(3)]);
    const firstRun: string[] = [];
    const crashing = processorWith(store, async (e) => {
      if (e.event_id === "$e2") {
        void crashing.processor.stop();
        throw new Error("process killed");
      }
      firstRun.push(e.event_id);
    });
    // stop() during the handler marks the processor stopped; the failed event stays pending.
    await crashing.processor.kick();
    expect(firstRun).toEqual(["$e1"]);

    store = await stores.restart();
    const secondRun: string[] = [];
    const { processor } = processorWith(store, async (e) => void secondRun.push(e.event_id));
    await processor.kick();
    expect(secondRun).toEqual(["$e2", "$e3"]);
    expect(await store.pendingEvents()).toEqual([]);
  });

  it("keeps each room's order while a slow room does not hold up another", async () => {
    const store = await stores.open();
    await store.recordEvents("t", [
      inRoom(1, "!slow:x"),
      inRoom(2, "!slow:x"),
      inRoom(3, "!fast:x"),
      inRoom(4, "!fast:x"),
    ]);
    const order: string[] = [];
    let releaseSlow: () => void = () => undefined;
    const slowGate = new Promise<void>((resolve) => (releaseSlow = resolve));
    const { processor } = processorWith(store, async (e) => {
      if (e.event_id === "$e1") await slowGate;
      order.push(e.event_id);
      if (e.event_id === "$e4") releaseSlow();
    });
    await processor.kick();
    // The fast room finished while the slow room's first event waited; each room kept its order.
    expect(order).toEqual(["$e3", "$e4", "$e1", "$e2"]);
  });

  it("retries a failed event before the room's next one (per-room order holds)", async () => {
    const store = await stores.open();
    await store.recordEvents("t1", [message(1), message(2)]);
    const order: string[] = [];
    let failures = 0;
    const { processor } = processorWith(store, async (e) => {
      if (e.event_id === "$e1" && failures++ === 0) throw new Error("Etherpad hiccup");
      order.push(e.event_id);
    });
    await processor.kick();
    expect(order).toEqual(["$e1", "$e2"]);
    expect(await store.pendingEvents()).toEqual([]);
  });

  it("handles new events of other rooms while one room is stuck, batch after batch", async () => {
    const store = await stores.open();
    // More stuck events than one read of the inbox holds, all ahead of the other rooms'.
    await store.recordEvents(
      "t1",
      Array.from({ length: 250 }, (_, i) => inRoom(1000 + i, "!stuck:x")),
    );
    const handled: string[] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let entered: () => void = () => undefined;
    const stuckEntered = new Promise<void>((resolve) => (entered = resolve));
    const { processor } = processorWith(store, async (e) => {
      if (e.event_id === "$e1000") {
        entered();
        await gate;
      }
      handled.push(e.event_id);
    });
    const drained = processor.kick();
    await stuckEntered;
    for (const [txn, n] of [
      ["t2", 1],
      ["t3", 2],
      ["t4", 3],
    ] as const) {
      await store.recordEvents(txn, [inRoom(n, `!other${n}:x`)]);
      void processor.kick();
      await waitFor(() => handled.includes(`$e${n}`));
    }
    expect(handled).toEqual(["$e1", "$e2", "$e3"]);
    release();
    await drained;
    expect(handled).toHaveLength(253);
    expect(await store.pendingEvents()).toEqual([]);
  });

  it("gives up on an event after repeated failures and tells the room", async () => {
    const store = await stores.open();
    await store.recordEvents("t1", [message(1), message(2)]);
    const handled: string[] = [];
    const { processor, notices } = processorWith(store, async (e) => {
      if (e.event_id === "$e1") throw Object.assign(new Error("down"), { statusCode: 502 });
      handled.push(e.event_id);
    });
    await processor.kick();
    expect(handled).toEqual(["$e2"]);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(/Nothing more was done/);
    expect(await store.pendingEvents()).toEqual([]);
  }, 30_000);

  it.each([
    ["no content", { event_id: "$a", room_id: "!r:x", sender: "@a:x", type: "m.room.message" }],
    [
      "array content",
      { event_id: "$b", room_id: "!r:x", sender: "@a:x", type: "m.room.message", content: [] },
    ],
    [
      "numeric state key",
      {
        event_id: "$c",
        room_id: "!r:x",
        sender: "@a:x",
        type: "m.room.member",
        state_key: 1,
        content: {},
      },
    ],
    [
      "body not a string",
      {
        event_id: "$d",
        room_id: "!r:x",
        sender: "@a:x",
        type: "m.room.message",
        content: { body: { x: 1 } },
      },
    ],
  ])("skips a malformed event (%s) without calling handlers", async (_label, event) => {
    const store = await stores.open();
    await store.recordEvents("t", [event as Record<string, unknown>]);
    const handled: string[] = [];
    const { processor } = processorWith(store, async (e) => void handled.push(e.event_id));
    await processor.kick();
    expect(handled).toEqual([]);
    expect(await store.pendingEvents()).toEqual([]);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 5));
  }
}
