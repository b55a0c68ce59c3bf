/**
 * Who gets into a room's pad and call, attacked over HTTP and socket.io against real Synapse,
 * Etherpad (requireSession, editOnly) and the appservice: forged, expired and foreign-server
 * OpenID tokens, non-members, the bearer of /verify/*, a session cookie kept after leaving the
 * room, and the pad URL opened without a session.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import type { TestUser } from "../harness/atrium";
import { useAtrium } from "../harness/world";
import { waitFor } from "../harness/wait";
import { clientReady } from "./etherpad-socket";
import { askForSession, expireOpenIdToken } from "./pad-room";
import { padPeople, sessionsOf } from "./pad-world";

const w = useAtrium({}, (stack) => padPeople(stack, { members: ["member"], others: ["stranger"] }));

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
        const t = await w.member.client.requestOpenIdToken();
        const flipped = t.access_token.slice(0, -1) + (t.access_token.endsWith("A") ? "B" : "A");
        return { access_token: flipped, matrix_server_name: t.matrix_server_name };
      },
      401,
      "M_UNKNOWN_TOKEN",
    ],
    [
      "an expired token (its validity moved into the past in Synapse's database)",
      async () => {
        const t = await w.member.client.requestOpenIdToken();
        await expireOpenIdToken(w.stack, t.access_token);
        return { access_token: t.access_token, matrix_server_name: t.matrix_server_name };
      },
      401,
      "M_UNKNOWN_TOKEN",
    ],
    [
      "a real token presented as one of a server outside the allow-list",
      async () => ({
        access_token: (await w.member.client.requestOpenIdToken()).access_token,
        matrix_server_name: "evil.example",
      }),
      403,
      "M_FORBIDDEN",
    ],
  ])("%s", async (_name, token, status, errcode) => {
    const before = await sessionsOf(w.etherpad, w.member);
    const answer = await askForSession(w.stack, w.room, await token());
    expect(answer.status).toBe(status);
    expect(answer.body.errcode).toBe(errcode);
    expect(answer.body.error).toMatch(/\w+ \w+ \w+/);
    expect(answer.sessionId).toBeNull();
    expect(await sessionsOf(w.etherpad, w.member)).toEqual(before);
  });

  it("refuses a real token of a user who is not in the room", async () => {
    const answer = await askForSession(
      w.stack,
      w.room,
      await w.stranger.client.requestOpenIdToken(),
    );
    expect(answer.status).toBe(403);
    expect(answer.body).toMatchObject({ errcode: "M_FORBIDDEN" });
    expect(answer.body.error).toContain("not a member");
    expect(answer.sessionId).toBeNull();
    expect(await sessionsOf(w.etherpad, w.stranger)).toEqual([]);
  });
});

describe("the Etherpad pad itself", () => {
  it("serves the page shell but denies the pad to a browser without a session", async () => {
    const page = await fetch(`${w.stack.etherpad.url}/p/${encodeURIComponent(w.room.padId)}`);
    expect(page.status).toBe(200);
    expect(await clientReady(w.stack.etherpad.url, w.room.padId)).toBe("deny");
  });

  it("denies a made-up session id", async () => {
    expect(
      await clientReady(w.stack.etherpad.url, w.room.padId, `s.${randomBytes(8).toString("hex")}`),
    ).toBe("deny");
  });

  it("ends a member's session when they leave: the kept cookie no longer opens the pad", async () => {
    const leaver = await w.stack.user("leaver");
    await leaver.client.join(w.room.roomId);
    const granted = await askForSession(w.stack, w.room, await leaver.client.requestOpenIdToken());
    expect(granted.status).toBe(200);
    const cookie = granted.sessionId;
    expect(cookie).toMatch(/^s\./);
    expect(await clientReady(w.stack.etherpad.url, w.room.padId, cookie!)).toBe("grant");

    await leaver.client.leave(w.room.roomId);
    // The appservice sees the leave in a transaction and deletes the sessions it recorded.
    await waitFor(
      "the leaver's Etherpad session to be deleted",
      async () => ((await sessionsOf(w.etherpad, leaver)).includes(cookie!) ? undefined : true),
      { timeoutMs: 30_000 },
    );
    expect(await clientReady(w.stack.etherpad.url, w.room.padId, cookie!)).toBe("deny");
    // And a fresh token no longer buys a new one.
    const again = await askForSession(w.stack, w.room, await leaver.client.requestOpenIdToken());
    expect(again.status).toBe(403);
    expect(again.sessionId).toBeNull();
  });
});

describe("/verify/* (prosody's user verification)", () => {
  const post = (path: string, body: unknown, auth?: string) =>
    fetch(`${w.stack.webUrl}${path}`, {
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
      const token = (await w.member.client.requestOpenIdToken()).access_token;
      const res = await post("/verify/user_in_room", { token, room_id: w.room.roomId }, auth);
      expect(res.status).toBe(status);
      expect(await res.json()).not.toHaveProperty("results");
    },
  );

  it.each<[string, string | undefined, number]>([
    ["no bearer", undefined, 401],
    ["a wrong bearer", "Bearer not-the-token", 403],
  ])("/verify/user with %s (Authorization: %p) answers %i", async (_name, auth, status) => {
    const token = (await w.member.client.requestOpenIdToken()).access_token;
    expect((await post("/verify/user", { token }, auth)).status).toBe(status);
  });

  it.each<[string, () => TestUser | null, { user: boolean; room_membership: boolean }]>([
    ["a member", () => w.member, { user: true, room_membership: true }],
    ["a user who is not in the room", () => w.stranger, { user: true, room_membership: false }],
    ["a forged token", () => null, { user: false, room_membership: false }],
  ])("answers like UVS for %s", async (_name, who, results) => {
    const user = who();
    const token = user
      ? (await user.client.requestOpenIdToken()).access_token
      : randomBytes(18).toString("base64url");
    const res = await post(
      "/verify/user_in_room",
      { token, room_id: w.room.roomId, matrix_server_name: "localhost" },
      `Bearer ${w.stack.config.jitsi.verifyToken}`,
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
    const token = await w.member.client.requestOpenIdToken();
    const granted = await askForSession(w.stack, w.room, token);
    expect(granted.sessionId).toMatch(/^s\./);
    const log = readFileSync(w.stack.atrium.logFile, "utf8");
    expect(log.length).toBeGreaterThan(0);
    const secrets: Array<[string, string]> = [
      ["as_token", w.stack.registration.as_token],
      ["hs_token", w.stack.registration.hs_token],
      ["Etherpad API key", w.stack.etherpad.apiKey],
      ["verify bearer", w.stack.config.jitsi.verifyToken!],
      ["OpenID token", token.access_token],
      ["pad session id", granted.sessionId!],
    ];
    for (const [what, value] of secrets) {
      expect({ what, found: log.includes(value) }).toEqual({ what, found: false });
    }
  });
});
