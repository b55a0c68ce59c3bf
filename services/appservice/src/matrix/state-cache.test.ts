import type { MatrixGateway, StateEvent } from "./gateway";
import { confirmRefusal, StateCachingGateway } from "./state-cache";

const ROOM = "!room:example.org";
const BOT = "@atrium:example.org";

function fakeHomeserver(state: StateEvent[]) {
  const calls: string[] = [];
  const gateway: MatrixGateway = {
    botUserId: BOT,
    async getState(_room, type, stateKey = "") {
      calls.push(`getState ${type}`);
      return state.find((e) => e.type === type && e.state_key === stateKey)?.content ?? null;
    },
    async roomState() {
      calls.push("roomState");
      return state.map((e) => ({ ...e }));
    },
    async sendState(_room, type) {
      calls.push(`sendState ${type}`);
      return `$written-${calls.length}`;
    },
    async sendNotice() {
      calls.push("sendNotice");
    },
    async joinedMembers() {
      calls.push("joinedMembers");
      return [];
    },
    async join(room) {
      return room;
    },
    async leave() {
      calls.push("leave");
    },
    async createRoom() {
      return "!new:example.org";
    },
    async ping() {},
  };
  return { gateway, calls };
}

const member = (
  userId: string,
  membership: string,
): StateEvent & { sender: string; event_id: string } => ({
  type: "m.room.member",
  state_key: userId,
  content: { membership },
  sender: userId,
  event_id: `$m-${userId}`,
});

const initial = (): StateEvent[] => [
  {
    type: "m.room.create",
    state_key: "",
    content: { room_version: "12" },
    sender: "@o:x",
    event_id: "$c",
  },
  {
    type: "m.room.power_levels",
    state_key: "",
    content: { users: { [BOT]: 50 } },
    sender: "@o:x",
    event_id: "$p",
  },
  { type: "m.room.name", state_key: "", content: { name: "Team" }, sender: "@o:x", event_id: "$n" },
  member("@o:x", "join"),
  member("@a:x", "join"),
  member(BOT, "join"),
  member("@gone:x", "leave"),
];

describe("StateCachingGateway", () => {
  it("reads a room in full once, then answers state, members and single events from memory", async () => {
    const { gateway, calls } = fakeHomeserver(initial());
    const cache = new StateCachingGateway(gateway);
    await Promise.all([cache.roomState(ROOM), cache.roomState(ROOM), cache.joinedMembers(ROOM)]);
    expect(calls).toEqual(["roomState"]);
    expect((await cache.joinedMembers(ROOM)).sort()).toEqual(["@a:x", "@o:x", BOT].sort());
    expect(await cache.getState(ROOM, "m.room.name")).toEqual({ name: "Team" });
    expect(await cache.getState(ROOM, "io.element.widgets.layout")).toBeNull();
    expect(calls).toEqual(["roomState"]);
  });

  it("sends single reads of rooms it does not hold to the homeserver, without a full read", async () => {
    const { gateway, calls } = fakeHomeserver(initial());
    const cache = new StateCachingGateway(gateway);
    expect(await cache.getState(ROOM, "m.room.name")).toEqual({ name: "Team" });
    expect(calls).toEqual(["getState m.room.name"]);
  });

  it("keeps current from observed events and its own writes", async () => {
    const { gateway, calls } = fakeHomeserver(initial());
    const cache = new StateCachingGateway(gateway);
    await cache.roomState(ROOM);
    cache.observe({ room_id: ROOM, ...member("@a:x", "leave") });
    cache.observe({ room_id: ROOM, ...member("@new:x", "join") });
    cache.observe({
      room_id: ROOM,
      type: "m.room.power_levels",
      state_key: "",
      content: { users: { [BOT]: 50, "@a:x": 100 } },
      sender: "@o:x",
      event_id: "$p2",
    });
    cache.observe({ room_id: "!other:x", ...member("@z:x", "join") });
    await cache.sendState(ROOM, "io.element.widgets.layout", "", { widgets: {} });
    expect((await cache.joinedMembers(ROOM)).sort()).toEqual(["@new:x", "@o:x", BOT].sort());
    expect(await cache.getState(ROOM, "m.room.power_levels")).toEqual({
      users: { [BOT]: 50, "@a:x": 100 },
    });
    expect(await cache.getState(ROOM, "io.element.widgets.layout")).toEqual({ widgets: {} });
    expect(calls).toEqual(["roomState", "sendState io.element.widgets.layout"]);
  });

  it("forgets a room the bot leaves, and reads a room again after maxAgeMs", async () => {
    let now = 0;
    const { gateway, calls } = fakeHomeserver(initial());
    const cache = new StateCachingGateway(gateway, { maxAgeMs: 1000, now: () => now });
    await cache.roomState(ROOM);
    cache.observe({ room_id: ROOM, ...member(BOT, "leave") });
    expect(cache.size).toBe(0);
    await cache.roomState(ROOM);
    now = 999;
    await cache.roomState(ROOM);
    now = 1000;
    await cache.roomState(ROOM);
    expect(calls).toEqual(["roomState", "roomState", "roomState"]);
  });

  it("counts the homeserver requests it makes, by kind", async () => {
    const kinds: string[] = [];
    const { gateway } = fakeHomeserver(initial());
    const cache = new StateCachingGateway(gateway, {
      requests: { inc: ({ kind }: { kind: string }) => void kinds.push(kind) } as never,
    });
    await cache.roomState(ROOM);
    await cache.getState(ROOM, "m.room.name");
    await cache.sendState(ROOM, "im.vector.modular.widgets", "w", { type: "m.custom" });
    await cache.sendNotice(ROOM, "ok", "ok");
    expect(kinds).toEqual(["full_state", "state_write", "message"]);
  });

  it("confirms a refusal against the homeserver: a level granted a moment ago counts", async () => {
    const state = initial();
    const { gateway, calls } = fakeHomeserver(state);
    const cache = new StateCachingGateway(gateway);
    const botLevel = async () => {
      const pl = await cache.getState(ROOM, "m.room.power_levels");
      return (pl?.users as Record<string, number>)["@a:x"] ?? 0;
    };
    await cache.roomState(ROOM);
    // The grant is in the room, but its event has not reached the appservice yet.
    state[1] = { ...state[1]!, content: { users: { [BOT]: 50, "@a:x": 50 } } };
    expect(await botLevel()).toBe(0);
    const level = await confirmRefusal(cache, ROOM, botLevel, (l) => l < 50);
    expect(level).toBe(50);
    expect(calls).toEqual(["roomState", "roomState"]);
    // A grant is not read again.
    expect(await confirmRefusal(cache, ROOM, botLevel, (l) => l < 50)).toBe(50);
    expect(calls).toEqual(["roomState", "roomState"]);
  });
});
