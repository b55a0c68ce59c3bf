import pino from "pino";
import { parseConfig } from "../config/load";
import type { MatrixGateway } from "../matrix/gateway";
import { OnDemandRooms } from "../store/on-demand-rooms";
import { configInput } from "../test-support/config";
import { storePerTest } from "../test-support/temp-store";
import { creationOptions, RoomsOnDemand } from "./rooms-on-demand";
import type { Workspace } from "./workspace";

const log = pino({ level: "silent" });
const config = parseConfig(
  configInput("example.org", {
    aliases: { roomsPerUserPerHour: 1, unclaimedRoomsPerHour: 2, moderator: "@admin:example.org" },
  }),
);

const store = storePerTest();

function setup(opts: { padFailures?: number; config?: typeof config } = {}) {
  const clock = { now: Date.now() };
  let rooms = 0;
  let padFailures = opts.padFailures ?? 0;
  const calls: string[] = [];
  const notices: string[] = [];
  const power: Record<string, Record<string, unknown>> = {};
  const gateway = {
    botUserId: "@atrium:example.org",
    createRoom: async () => `!room${++rooms}:example.org`,
    getState: async (room: string) => power[room] ?? { users_default: 0, events: { x: 1 } },
    sendState: async (
      room: string,
      _type: string,
      _key: string,
      content: Record<string, unknown>,
    ) => {
      power[room] = content;
      return "$p";
    },
    sendNotice: async (_room: string, plain: string) => void notices.push(plain),
    leave: async (room: string) => void calls.push(`leave ${room}`),
  } as unknown as MatrixGateway;
  const workspace = {
    addPad: async (room: string, name: string) => {
      if (padFailures-- > 0) throw new Error("Etherpad is down");
      calls.push(`pad ${room} ${name}`);
      return { widget_id: `w-${name}` };
    },
    addConference: async (room: string) => {
      calls.push(`meet ${room}`);
      return { widget_id: "w-meet" };
    },
    pinWidget: async (room: string, id: string) => void calls.push(`pin ${room} ${id}`),
  } as unknown as Workspace;
  const onDemand = new RoomsOnDemand({
    config: opts.config ?? config,
    gateway,
    aliases: { deleteAlias: async (alias: string) => void calls.push(`unalias ${alias}`) },
    workspace,
    rooms: new OnDemandRooms(store().db),
    log,
    now: () => clock.now,
  });
  return { onDemand, calls, notices, power, clock };
}

describe("rooms on demand", () => {
  it("keeps the homeserver's power-level defaults and never lists the creator", () => {
    const opts = creationOptions({ kind: "pad", name: "retro" }, "pad_retro", config);
    expect(opts).not.toHaveProperty("power_level_content_override");
    expect(opts).toMatchObject({ room_alias_name: "pad_retro", name: "Pad: retro" });
  });

  it("creates a bare room at the alias query; the first local joiner claims, moderates and gets it furnished", async () => {
    const { onDemand, calls, power } = setup();
    const created = await onDemand.onAliasQuery("#pad_retro:example.org", "pad_retro");
    expect(created).toEqual({ roomId: "!room1:example.org" });
    expect(calls).toEqual([]);
    // Another server's user joining claims nothing.
    await onDemand.onJoin("!room1:example.org", "@eve:elsewhere.org", log);
    expect(calls).toEqual([]);
    await onDemand.onJoin("!room1:example.org", "@alice:example.org", log);
    expect(calls).toEqual(["pad !room1:example.org retro", "pin !room1:example.org w-retro"]);
    expect(power["!room1:example.org"]).toEqual({
      users_default: 0,
      events: { x: 1 },
      users: { "@alice:example.org": 50, "@admin:example.org": 50 },
    });
    // A later joiner changes nothing.
    await onDemand.onJoin("!room1:example.org", "@bob:example.org", log);
    expect(calls).toHaveLength(2);
  });

  it("answers 404 for aliases that are not ours, and caps rooms nobody joined", async () => {
    const { onDemand } = setup();
    expect(await onDemand.onAliasQuery("#other:example.org", "other")).toBeNull();
    expect(await onDemand.onAliasQuery("#pad_a:example.org", "pad_a")).not.toBeNull();
    expect(await onDemand.onAliasQuery("#pad_b:example.org", "pad_b")).not.toBeNull();
    // Two unclaimed rooms this hour: a third lookup (a federation probe, say) creates nothing.
    expect(await onDemand.onAliasQuery("#pad_c:example.org", "pad_c")).toBeNull();
  });

  it("holds a user to the hourly cap, saying why", async () => {
    const { onDemand, calls, notices } = setup();
    await onDemand.onAliasQuery("#pad_a:example.org", "pad_a");
    await onDemand.onAliasQuery("#pad_b:example.org", "pad_b");
    await onDemand.onJoin("!room1:example.org", "@alice:example.org", log);
    await onDemand.onJoin("!room2:example.org", "@alice:example.org", log);
    expect(calls.filter((c) => c.startsWith("pad"))).toEqual(["pad !room1:example.org a"]);
    expect(notices[0]).toMatch(/most this server allows \(1\)/);
    // Someone else may still claim the second room.
    await onDemand.onJoin("!room2:example.org", "@bob:example.org", log);
    expect(calls.filter((c) => c.startsWith("pad"))).toHaveLength(2);
  });

  it("a failed Etherpad call throws (the inbox retries) and resume() finishes the room", async () => {
    const { onDemand, calls } = setup({ padFailures: 2 });
    await onDemand.onAliasQuery("#pad_retro:example.org", "pad_retro");
    await expect(onDemand.onJoin("!room1:example.org", "@alice:example.org", log)).rejects.toThrow(
      /Etherpad is down/,
    );
    await onDemand.resume(log); // still down: logged, kept for later
    expect(calls).toEqual([]);
    await onDemand.resume(log);
    expect(calls).toEqual(["pad !room1:example.org retro", "pin !room1:example.org w-retro"]);
    await onDemand.resume(log);
    expect(calls).toHaveLength(2);
  });

  it("removes rooms nobody claimed within the TTL (alias first, then the bot leaves), keeps claimed ones", async () => {
    const { onDemand, calls, clock } = setup();
    await onDemand.onAliasQuery("#pad_lost:example.org", "pad_lost");
    await onDemand.onAliasQuery("#pad_used:example.org", "pad_used");
    await onDemand.onJoin("!room2:example.org", "@alice:example.org", log);
    calls.length = 0;
    clock.now += 23 * 3_600_000;
    await onDemand.resume(log);
    expect(calls).toEqual([]);
    clock.now += 2 * 3_600_000;
    await onDemand.resume(log);
    expect(calls).toEqual(["unalias #pad_lost:example.org", "leave !room1:example.org"]);
    await onDemand.resume(log);
    expect(calls).toHaveLength(2);
    // A join arriving after the removal furnishes nothing.
    await onDemand.onJoin("!room1:example.org", "@bob:example.org", log);
    expect(calls).toHaveLength(2);
  });

  it("caps queries no local user follows (strays) at strayRoomsPerHour, removed ones included", async () => {
    const { onDemand, clock } = setup({
      config: {
        ...config,
        aliases: { ...config.aliases, unclaimedRoomsPerHour: 100, strayRoomsPerHour: 2 },
      },
    });
    expect(await onDemand.onAliasQuery("#pad_a:example.org", "pad_a")).not.toBeNull();
    await onDemand.onJoin("!room1:example.org", "@alice:example.org", log); // claimed: no stray
    expect(await onDemand.onAliasQuery("#pad_b:example.org", "pad_b")).not.toBeNull();
    expect(await onDemand.onAliasQuery("#pad_c:example.org", "pad_c")).not.toBeNull();
    // Within the claim window (5 min) they are not strays yet.
    expect(await onDemand.onAliasQuery("#pad_d:example.org", "pad_d")).not.toBeNull();
    clock.now += 6 * 60_000;
    expect(await onDemand.onAliasQuery("#pad_e:example.org", "pad_e")).toBeNull();
    // The hour passes: strays of the last hour only.
    clock.now += 60 * 60_000;
    expect(await onDemand.onAliasQuery("#pad_f:example.org", "pad_f")).not.toBeNull();
  });
});
