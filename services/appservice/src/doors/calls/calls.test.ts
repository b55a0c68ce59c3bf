import { parseConfig } from "../../config/load";
import { configInput } from "../../test-support/config";
import { callsConfigSchema } from "./config";
import { legacyLivekitIdentity, livekitIdentity, livekitRoomName } from "./naming";
import { admitToCall, type CallPolicyDeps } from "./policy";
import { callsRegistrationKeys, callsRegistrationProblems } from "./registration";
import { AccessError } from "../../matrix/access-error";

const minimal = configInput("localhost", {
  encryption: { storePassphrase: "a-secret-of-the-operator" },
});

describe("LiveKit names (vectors computed with Python's hashlib/json, MSC4195's examples)", () => {
  it.each([
    ["!tDLCaLXijNtYcJZEey:example.com", "the_id", "jLeOf8PNeIUb575ZSWkenvjSUpg/QE3euAZwZ6Srqi4"],
    ["!r:x", undefined, "pRFzEPtSfqdKIzEf0NCR8PiABfxPTGTxjJq8B7Y6NS4"],
  ])("room %s slot %s", (room, slot, expected) => {
    expect(livekitRoomName(room, slot)).toBe(expected);
  });

  it("hashes [sender, member.id] for the homeserver flow, user:device for the legacy one", () => {
    expect(livekitIdentity("@alice:alice.com", "xyzABCDEF10123")).toBe(
      "bfJbGd2aG4kdLr8fOcgDClEK94H9B0g92ktLjohmuPc",
    );
    expect(livekitIdentity("@é:x", 'a"b')).toBe("AUBsBgB5bo2AAtNWClxKOySNKZZjjS1Uphb30PGqC6U");
    expect(legacyLivekitIdentity("@a:x", "DEV")).toBe("@a:x:DEV");
  });
});

describe("calls config", () => {
  it("is off by default, with the documented defaults", () => {
    const c = parseConfig(minimal).calls;
    expect(c).toMatchObject({
      enabled: false,
      allowRemoteMembers: true,
      allowGuests: false,
      tokenTtlSeconds: 600,
    });
  });

  it("names every missing LiveKit key and its fix when enabled", () => {
    const r = callsConfigSchema.safeParse({ enabled: true });
    expect(r.success).toBe(false);
    const messages = r.error!.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    expect(messages).toEqual([
      expect.stringMatching(/^livekit\.url: required when calls\.enabled is true: .*wss:\/\//),
      expect.stringMatching(/^livekit\.apiUrl: required .*http:\/\/livekit:7880/),
      expect.stringMatching(/^livekit\.apiKey: required/),
      expect.stringMatching(/^livekit\.apiSecret: required/),
    ]);
  });

  it.each([
    [{ url: "https://sfu.example.org" }, "livekit.url", /ws:\/\/ or wss:\/\//],
    [{ apiUrl: "wss://sfu" }, "livekit.apiUrl", /http:\/\/ or https:\/\//],
    [{ apiSecret: "short" }, "livekit.apiSecret", /at least 32/],
  ])("refuses %j at %s", (livekit, path, message) => {
    const r = callsConfigSchema.safeParse({ livekit });
    const issue = r.error?.issues.find((i) => i.path.join(".") === path);
    expect(issue?.message).toMatch(message);
  });
});

describe("registration keys", () => {
  it("carries the MSC4512 proxy and the MSC4502 scope only when calls are on", () => {
    expect(callsRegistrationKeys({ enabled: false }, "http://as:9000")).toEqual({});
    const keys = callsRegistrationKeys({ enabled: true }, "http://as:9000");
    expect(keys).toEqual({
      "io.element.msc4512.proxy_prefix": "rtc/livekit",
      "io.element.msc4512.proxy_url": "http://as:9000",
      "io.element.msc4502.scopes": ["urn:matrix:client:io.element.msc4502:rooms:is_joined"],
    });
    expect(callsRegistrationProblems({ enabled: true }, keys)).toEqual([]);
    expect(callsRegistrationProblems({ enabled: true }, {})).toHaveLength(3);
  });
});

describe("who may join a call", () => {
  function deps(
    state: Record<string, Record<string, unknown> | null | Error>,
    o: Partial<CallPolicyDeps> = {},
  ): CallPolicyDeps {
    return {
      calls: { allowRemoteMembers: true, allowGuests: false },
      localServer: "here.org",
      gateway: {
        getState: async (_room, type, key = "") => {
          const v = state[`${type}|${key}`];
          if (v instanceof Error) throw v;
          return v ?? null;
        },
      },
      ...o,
    };
  }
  const room = "!room:here.org";
  const forbidden = Object.assign(new Error("not in room"), { errcode: "M_FORBIDDEN" });

  async function refusal(p: Promise<unknown>): Promise<AccessError> {
    const e = await p.then(
      () => null,
      (error: unknown) => error,
    );
    expect(e).toBeInstanceOf(AccessError);
    return e as AccessError;
  }

  it("admits a joined local member, who may publish", async () => {
    const d = deps({ "m.room.member|@a:here.org": { membership: "join", displayname: "A" } });
    await expect(admitToCall(d, room, "@a:here.org")).resolves.toEqual({
      local: true,
      displayName: "A",
    });
  });

  it.each(["leave", "ban", "invite", undefined])("refuses membership %s with 403", async (m) => {
    const d = deps({ "m.room.member|@a:here.org": m ? { membership: m } : null });
    const e = await refusal(admitToCall(d, room, "@a:here.org"));
    expect([e.status, e.errcode]).toEqual([403, "M_FORBIDDEN"]);
  });

  it("admits remote members unless allowRemoteMembers is off", async () => {
    const state = { "m.room.member|@b:there.org": { membership: "join" } };
    await expect(admitToCall(deps(state), room, "@b:there.org")).resolves.toEqual({ local: false });
    const off = deps(state, { calls: { allowRemoteMembers: false, allowGuests: false } });
    expect((await refusal(admitToCall(off, room, "@b:there.org"))).humanMessage).toMatch(
      /allowRemoteMembers/,
    );
  });

  it("admits a guest only when allowGuests is on and the room lets guests join", async () => {
    const guest = { "m.room.member|@1:here.org": { membership: "join", kind: "guest" } };
    const open = { ...guest, "m.room.guest_access|": { guest_access: "can_join" } };
    const on = { calls: { allowRemoteMembers: true, allowGuests: true } };
    await refusal(admitToCall(deps(open), room, "@1:here.org"));
    await refusal(admitToCall(deps(guest, on), room, "@1:here.org"));
    await expect(admitToCall(deps(open, on), room, "@1:here.org")).resolves.toEqual({
      local: true,
    });
  });

  it("asks the homeserver (is_joined) in rooms without the bot, and refuses when it cannot", async () => {
    const state = { "m.room.member|@a:here.org": forbidden };
    const asked: string[] = [];
    const isJoined = async (r: string, u: string) => (asked.push(`${r} ${u}`), u === "@a:here.org");
    await expect(admitToCall(deps(state, { isJoined }), room, "@a:here.org")).resolves.toEqual({
      local: true,
    });
    expect(asked).toEqual([`${room} @a:here.org`]);
    const cannot = deps(state, { isJoined: async () => null });
    expect((await refusal(admitToCall(cannot, room, "@a:here.org"))).humanMessage).toMatch(
      /msc4502/,
    );
  });

  it("refuses a malformed room id with 400", async () => {
    expect((await refusal(admitToCall(deps({}), "#alias:x", "@a:here.org"))).status).toBe(400);
  });
});
