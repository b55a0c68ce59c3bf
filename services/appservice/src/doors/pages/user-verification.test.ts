import { AccessError } from "../../matrix/access-error";
import { bearerMatches, verifyUser, verifyUserInRoom } from "./user-verification";
import { fakeGateway, fakeOpenId, ROOM, type FakeRoom } from "./test-support/fakes";

const ROOM_STATE: FakeRoom = {
  members: { "@alice:example.org": "join", "@gone:example.org": "leave" },
  powerLevels: {
    users: { "@alice:example.org": 50 },
    users_default: 0,
    state_default: 50,
    ban: 50,
  },
};
const deps = (room: FakeRoom = ROOM_STATE) => ({
  gateway: fakeGateway(room),
  openid: fakeOpenId(),
});

describe("verifyUser (UVS POST /verify/user)", () => {
  it.each([
    [
      "a valid token",
      { token: "token-@alice:example.org" },
      { results: { user: true }, user_id: "@alice:example.org" },
    ],
    [
      "a valid token with a server name",
      { token: "token-@alice:example.org", matrix_server_name: "example.org" },
      { results: { user: true }, user_id: "@alice:example.org" },
    ],
    ["a refused token", { token: "forged" }, { results: { user: false }, user_id: null }],
  ])("%s", async (_name, body, expected) => {
    await expect(verifyUser(deps(), body)).resolves.toEqual(expected);
  });
});

describe("verifyUserInRoom always sends room.state_default (prosody's power sync needs it)", () => {
  it.each([
    ["a power-levels event without it: the spec's 50", { users: { "@alice:example.org": 0 } }, 50],
    ["no power-levels event: 0", null, 0],
    ["the room's own value", { users: {}, state_default: 20 }, 20],
  ])("%s", async (_name, powerLevels, expected) => {
    const room: FakeRoom = { members: { "@alice:example.org": "join" }, powerLevels };
    const result = await verifyUserInRoom(deps(room), {
      token: "token-@alice:example.org",
      room_id: ROOM,
    });
    expect(result.power_levels?.room.state_default).toBe(expected);
  });
});

/** The answer for a user the homeserver vouches for who is not (or no longer) in the room. */
const notAMember = (userId: string) => ({
  results: { user: true, room_membership: false },
  user_id: userId,
  power_levels: null,
});

describe("verifyUserInRoom (UVS POST /verify/user_in_room)", () => {
  it.each([
    [
      "a member",
      { token: "token-@alice:example.org", room_id: ROOM },
      ROOM_STATE,
      {
        results: { user: true, room_membership: true },
        user_id: "@alice:example.org",
        power_levels: { room: { users_default: 0, state_default: 50, ban: 50 }, user: 50 },
      },
    ],
    [
      "a user who left",
      { token: "token-@gone:example.org", room_id: ROOM },
      ROOM_STATE,
      notAMember("@gone:example.org"),
    ],
    [
      "a stranger",
      { token: "token-@x:example.org", room_id: ROOM },
      ROOM_STATE,
      notAMember("@x:example.org"),
    ],
    [
      "a refused token",
      { token: "forged", room_id: ROOM },
      ROOM_STATE,
      { results: { user: false, room_membership: false }, user_id: null, power_levels: null },
    ],
    [
      "a room the bot is not in",
      { token: "token-@alice:example.org", room_id: ROOM },
      { botAbsent: true },
      notAMember("@alice:example.org"),
    ],
  ])("%s", async (_name, body, room, expected) => {
    await expect(verifyUserInRoom(deps(room), body)).resolves.toEqual(expected);
  });

  it.each([
    ["no token", { room_id: ROOM }, "token"],
    ["an empty token", { token: "", room_id: ROOM }, "token"],
    ["no room", { token: "token-@alice:example.org" }, "room_id"],
    [
      "an alias for a room",
      { token: "token-@alice:example.org", room_id: "#a:example.org" },
      "room_id",
    ],
  ])("answers 400 for %s, naming %s", async (_name, body, field) => {
    const error = await verifyUserInRoom(deps(), body).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AccessError);
    expect((error as AccessError).status).toBe(400);
    expect((error as AccessError).humanMessage).toContain(field);
  });

  it("passes a homeserver outage on (prosody then refuses) instead of answering user: false", async () => {
    const openid = {
      verify: async () => Promise.reject(new AccessError(502, "M_UNKNOWN", "down")),
    };
    await expect(
      verifyUserInRoom({ gateway: fakeGateway(ROOM_STATE), openid }, { token: "t", room_id: ROOM }),
    ).rejects.toMatchObject({ status: 502 });
  });
});

describe("bearerMatches", () => {
  const secret = "s3cret-verify-token-123";
  it.each<[string, string | undefined, boolean]>([
    ["the right token", `Bearer ${secret}`, true],
    ["no header", undefined, false],
    ["an empty header", "", false],
    ["a wrong token", "Bearer nope", false],
    ["a prefix of the token", `Bearer ${secret.slice(0, 5)}`, false],
    ["the token with something after it", `Bearer ${secret}x`, false],
    ["another scheme", `Basic ${secret}`, false],
    ["a lower-case scheme", `bearer ${secret}`, false],
  ])("%s → %p", (_name, header, expected) => {
    expect(bearerMatches(header, secret)).toBe(expected);
  });
});
