/**
 * Who gets into a room's pad and call, attacked over HTTP and socket.io against real Synapse,
 * Etherpad (requireSession, editOnly) and the appservice: forged, expired and foreign-server
 * OpenID tokens, non-members, the bearer of /verify/*, a session cookie kept after leaving the
 * room, and the pad URL opened without a session.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { createEtherpadClient, type EtherpadClient } from "@atrium/etherpad";
import { startAtrium, type AtriumStack, type TestUser } from "../harness/atrium";
import { waitFor } from "../harness/wait";
import { clientReady } from "./etherpad-socket";
import { askForSession, expireOpenIdToken, padRoom, type PadRoom } from "./pad-room";

let stack: AtriumStack;
let etherpad: EtherpadClient;
let owner: TestUser;
let member: TestUser;
let stranger: TestUser;
let room: PadRoom;

beforeAll(async () => {
  stack = await startAtrium();
  etherpad = createEtherpadClient({ url: stack.etherpad.url, apiKey: stack.etherpad.apiKey });
  [owner, member, stranger] = [
    await stack.user("owner"),
    await stack.user("member"),
    await stack.user("stranger"),
  ];
  room = await padRoom(stack, owner);
  await member.client.join(room.roomId);
}, 240_000);

afterAll(async () => {
  await stack?.stop();
});

/** Sessions Etherpad holds for a Matrix user (through the author Atrium maps them to). */
async function sessionsOf(user: TestUser): Promise<string[]> {
  const author = await etherpad.authorForUser(user.user.userId);
  return (await etherpad.listSessionsOfAuthor(author)).map((s) => s.sessionId);
}

describe("POST /atrium/pad/session refuses bad OpenID tokens and opens no session", () => {
  it.each<
    [string, () => Promise<{ access_token: string; matrix_server_name?: string }>, number, string]
  >([
    [
      "a forged token",
      async () => ({
        access_token: randomBytes(18).toString("base64url"),
        matrix_server_name: "localhost",
      }),
      401,
      "M_UNKNOWN_TOKEN",
    ],
    [
      "a real token with one character changed",
      async () => {
        const t = await member.client.requestOpenIdToken();
        const flipped = t.access_token.slice(0, -1) + (t.access_token.endsWith("A") ? "B" : "A");
        return { access_token: flipped, matrix_server_name: t.matrix_server_name };
      },
      401,
      "M_UNKNOWN_TOKEN",
    ],
    [
      "an expired token (its validity moved into the past in Synapse's database)",
      async () => {
        const t = await member.client.requestOpenIdToken();
        await expireOpenIdToken(stack, t.access_token);
        return { access_token: t.access_token, matrix_server_name: t.matrix_server_name };
      },
      401,
      "M_UNKNOWN_TOKEN",
    ],
    [
      "a real token presented as one of a server outside the allow-list",
      async () => ({
        access_token: (await member.client.requestOpenIdToken()).access_token,
        matrix_server_name: "evil.example",
      }),
      403,
      "M_FORBIDDEN",
    ],
  ])("%s", async (_name, token, status, errcode) => {
    const before = await sessionsOf(member);
    const answer = await askForSession(stack, room, await token());
    expect(answer.status).toBe(status);
    expect(answer.body.errcode).toBe(errcode);
    expect(answer.body.error).toMatch(/\w+ \w+ \w+/);
    expect(answer.sessionId).toBeNull();
    expect(await sessionsOf(member)).toEqual(before);
  });

  it("refuses a real token of a user who is not in the room", async () => {
    const answer = await askForSession(stack, room, await stranger.client.requestOpenIdToken());
    expect(answer.status).toBe(403);
    expect(answer.body).toMatchObject({ errcode: "M_FORBIDDEN" });
    expect(answer.body.error).toContain("not a member");
    expect(answer.sessionId).toBeNull();
    expect(await sessionsOf(stranger)).toEqual([]);
  });
});

describe("the Etherpad pad itself", () => {
  it("serves the page shell but denies the pad to a browser without a session", async () => {
    const page = await fetch(`${stack.etherpad.url}/p/${encodeURIComponent(room.padId)}`);
    expect(page.status).toBe(200);
    expect(await clientReady(stack.etherpad.url, room.padId)).toBe("deny");
  });

  it("denies a made-up session id", async () => {
    expect(
      await clientReady(stack.etherpad.url, room.padId, `s.${randomBytes(8).toString("hex")}`),
    ).toBe("deny");
  });

  it("ends a member's session when they leave: the kept cookie no longer opens the pad", async () => {
    const leaver = await stack.user("leaver");
    await leaver.client.join(room.roomId);
    const granted = await askForSession(stack, room, await leaver.client.requestOpenIdToken());
    expect(granted.status).toBe(200);
    const cookie = granted.sessionId;
    expect(cookie).toMatch(/^s\./);
    expect(await clientReady(stack.etherpad.url, room.padId, cookie!)).toBe("grant");

    await leaver.client.leave(room.roomId);
    // The appservice sees the leave in a transaction and deletes the sessions it recorded.
    await waitFor(
      "the leaver's Etherpad session to be deleted",
      async () => ((await sessionsOf(leaver)).includes(cookie!) ? undefined : true),
      { timeoutMs: 30_000 },
    );
    expect(await clientReady(stack.etherpad.url, room.padId, cookie!)).toBe("deny");
    // And a fresh token no longer buys a new one.
    const again = await askForSession(stack, room, await leaver.client.requestOpenIdToken());
    expect(again.status).toBe(403);
    expect(again.sessionId).toBeNull();
  });
});

describe("/verify/* (prosody's user verification)", () => {
  const post = (path: string, body: unknown, auth?: string) =>
    fetch(`${stack.webUrl}${path}`, {
      method: "POST",
      headers: { "Content-Type": "application/json", ...(auth ? { Authorization: auth } : {}) },
      body: JSON.stringify(body),
    });

  it.each<[string, string | undefined, number]>([
    ["no bearer", undefined, 401],
    ["a wrong bearer", "Bearer not-the-token", 403],
    ["a bearer of another scheme", "Basic dXNlcjpwYXNz", 403],
  ])(
    "/verify/user_in_room with %s (Authorization: %p) answers %i and verifies nothing",
    async (_name, auth, status) => {
      const token = (await member.client.requestOpenIdToken()).access_token;
      const res = await post("/verify/user_in_room", { token, room_id: room.roomId }, auth);
      expect(res.status).toBe(status);
      expect(await res.json()).not.toHaveProperty("results");
    },
  );

  it.each<[string, string | undefined, number]>([
    ["no bearer", undefined, 401],
    ["a wrong bearer", "Bearer not-the-token", 403],
  ])("/verify/user with %s (Authorization: %p) answers %i", async (_name, auth, status) => {
    const token = (await member.client.requestOpenIdToken()).access_token;
    expect((await post("/verify/user", { token }, auth)).status).toBe(status);
  });

  it.each<[string, () => TestUser | null, { user: boolean; room_membership: boolean }]>([
    ["a member", () => member, { user: true, room_membership: true }],
    ["a user who is not in the room", () => stranger, { user: true, room_membership: false }],
    ["a forged token", () => null, { user: false, room_membership: false }],
  ])("answers like UVS for %s", async (_name, who, results) => {
    const user = who();
    const token = user
      ? (await user.client.requestOpenIdToken()).access_token
      : randomBytes(18).toString("base64url");
    const res = await post(
      "/verify/user_in_room",
      { token, room_id: room.roomId, matrix_server_name: "localhost" },
      `Bearer ${stack.config.jitsi.verifyToken}`,
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      results: unknown;
      user_id: unknown;
      power_levels: unknown;
    };
    expect(body.results).toEqual(results);
    expect(body.user_id).toBe(user ? user.user.userId : null);
    if (results.room_membership)
      expect(body.power_levels).toMatchObject({ user: 0, room: { users_default: 0 } });
    else expect(body.power_levels).toBeNull();
  });
});

describe("the appservice's log", () => {
  it("holds no token, key or session id after all of the above", async () => {
    // One more session and token, so there is something to leak.
    const token = await member.client.requestOpenIdToken();
    const granted = await askForSession(stack, room, token);
    expect(granted.sessionId).toMatch(/^s\./);
    const log = readFileSync(stack.atrium.logFile, "utf8");
    expect(log.length).toBeGreaterThan(0);
    const secrets: Array<[string, string]> = [
      ["as_token", stack.registration.as_token],
      ["hs_token", stack.registration.hs_token],
      ["Etherpad API key", stack.etherpad.apiKey],
      ["verify bearer", stack.config.jitsi.verifyToken!],
      ["OpenID token", token.access_token],
      ["pad session id", granted.sessionId!],
    ];
    for (const [what, value] of secrets) {
      expect({ what, found: log.includes(value) }).toEqual({ what, found: false });
    }
  });
});
