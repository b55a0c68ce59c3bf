/**
 * Issue 22 item 2: the state cache never keeps or restores a right the homeserver took away.
 * An event heard while the room is being read is not lost, and an older event still waiting in
 * the room's queue never overwrites a newer snapshot: state is applied in the order the
 * homeserver sent it (when it is recorded), not when the room's lane gets to it.
 */
import pino from "pino";
import { storePerTest } from "../test-support/temp-store";
import { createMetrics } from "../util/metrics";
import { Processor } from "./events/processor";
import type { CommandHandler } from "../doors/commands/handler";
import type { Reactions } from "./events/reactions";
import type { MatrixGateway, StateEvent } from "./gateway";
import { observeRecorded, StateCachingGateway } from "./state-cache";
import { powerContextFrom, userLevel } from "./power";

const ROOM = "!room:example.org";
const BOT = "@atrium:example.org";
const A = "@a:example.org";

const powerLevels = (level: number, id: string) => ({
  room_id: ROOM,
  type: "m.room.power_levels",
  state_key: "",
  content: { users: { "@o:example.org": 100, [A]: level } },
  sender: "@o:example.org",
  event_id: id,
});
const membership = (m: string, id: string) => ({
  room_id: ROOM,
  type: "m.room.member",
  state_key: A,
  content: { membership: m },
  sender: m === "ban" ? "@o:example.org" : A,
  event_id: id,
});

/** A homeserver whose full-state reads answer when the test says so (`release(n)`, n-th read). */
function slowHomeserver(state: () => StateEvent[]) {
  const releases: Array<() => void> = [];
  const gateway = {
    botUserId: BOT,
    async roomState() {
      const snapshot = state().map((e) => ({ ...e }));
      await new Promise<void>((resolve) => releases.push(resolve));
      return snapshot;
    },
  } as unknown as MatrixGateway;
  return { gateway, release: (n = 0) => releases[n]?.() };
}

const levelOf = async (cache: StateCachingGateway, user: string) =>
  userLevel(powerContextFrom(await cache.roomState(ROOM)), user);

describe("state heard while the room is being read", () => {
  it("is kept: a user demoted during the read is not left at 100", async () => {
    const hs = slowHomeserver(() => [powerLevels(100, "$p1")]);
    const cache = new StateCachingGateway(hs.gateway);
    const reading = cache.roomState(ROOM);
    // The read left the homeserver before the demotion; the demotion's event arrives meanwhile.
    await new Promise((r) => setImmediate(r));
    cache.observe(powerLevels(0, "$p2"));
    hs.release();
    await reading;
    expect(await levelOf(cache, A)).toBe(0);
  });

  it("is kept: a user banned during the read is not left joined", async () => {
    const hs = slowHomeserver(() => [powerLevels(0, "$p1"), membership("join", "$j")]);
    const cache = new StateCachingGateway(hs.gateway);
    const reading = cache.joinedMembers(ROOM);
    await new Promise((r) => setImmediate(r));
    cache.observe(membership("ban", "$b"));
    hs.release();
    await reading;
    expect(await cache.joinedMembers(ROOM)).not.toContain(A);
  });

  it("a refresh during an older read wins over it", async () => {
    let current = [powerLevels(100, "$p1")];
    const hs = slowHomeserver(() => current);
    const cache = new StateCachingGateway(hs.gateway);
    const old = cache.roomState(ROOM);
    await new Promise((r) => setImmediate(r));
    current = [powerLevels(0, "$p2")];
    const fresh = cache.refresh(ROOM);
    await new Promise((r) => setImmediate(r));
    hs.release(1);
    await fresh;
    hs.release(0);
    await old;
    expect(await levelOf(cache, A)).toBe(0);
  });
});

describe("events still queued in the room's lane", () => {
  const store = storePerTest();

  /** The cache over a homeserver that already holds `now`, and a processor over the store. */
  async function setup(now: StateEvent[]) {
    const homeserver = {
      botUserId: BOT,
      roomState: async () => now.map((e) => ({ ...e })),
      sendNotice: async () => undefined,
    } as unknown as MatrixGateway;
    const cache = new StateCachingGateway(homeserver);
    const processor = new Processor({
      store: store(),
      commands: { handle: async () => undefined } as unknown as CommandHandler,
      reactions: {
        onMember: async () => undefined,
        onPowerLevels: async () => undefined,
      } as unknown as Reactions,
      gateway: cache,
      metrics: createMetrics(),
      log: pino({ level: "silent" }),
      backoffMs: () => 1,
    });
    return { cache, processor };
  }

  it("never put a demoted user back at 100", async () => {
    const { cache, processor } = await setup([powerLevels(0, "$p2")]);
    // The promotion was recorded before the demotion, but its lane had not reached it when a
    // command read the room (the snapshot already holds the demotion).
    await store().recordEvents("t1", [powerLevels(100, "$p1")]);
    expect(await levelOf(cache, A)).toBe(0);
    await processor.kick();
    expect(await levelOf(cache, A)).toBe(0);
  });

  it("never make a banned user joined again", async () => {
    const { cache, processor } = await setup([membership("ban", "$b")]);
    await store().recordEvents("t1", [membership("join", "$j")]);
    expect(await cache.joinedMembers(ROOM)).toEqual([]);
    await processor.kick();
    expect(await cache.joinedMembers(ROOM)).toEqual([]);
  });
});

describe("observeRecorded", () => {
  it("hands a recorded transaction's state events to the cache in order, skipping the rest", () => {
    const heard: string[] = [];
    observeRecorded({ observe: (e) => void heard.push(e.event_id) }, [
      powerLevels(100, "$p1"),
      { room_id: ROOM, type: "m.room.message", sender: A, event_id: "$m", content: {} },
      { ...membership("join", "$bad"), content: "not an object" },
      powerLevels(0, "$p2"),
    ]);
    expect(heard).toEqual(["$p1", "$p2"]);
  });
});
