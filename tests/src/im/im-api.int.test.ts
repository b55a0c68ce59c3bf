/**
 * The integration manager's API against the real Synapse, Etherpad and the appservice process:
 * Element's registration with a real OpenID token, the token in all three places, logout,
 * forged and foreign tokens, CORS preflight; then the room routes, which act through the same
 * checks as the commands (power, membership, the bot's readiness, the seed's name rules) and
 * write the same widgets, encrypted rooms included.
 */
import { readFile } from "node:fs/promises";
import { createEtherpadClient } from "@atrium/etherpad";
import type { TestUser } from "../harness/atrium";
import { users, useAtrium } from "../harness/world";
import { command, roomWithBot, widgetsIn } from "../appservice/fixtures";

const w = useAtrium({}, async (stack) => ({
  etherpad: createEtherpadClient({ url: stack.etherpad.url, apiKey: stack.etherpad.apiKey }),
  ...(await users(stack, "owner", "member", "stranger")),
}));
const tokens = new Map<string, string>();

interface Answer {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
}

async function call(
  method: string,
  path: string,
  opts: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const res = await fetch(`${w.stack.imUrl}${path}`, {
    method,
    headers: {
      ...(opts.body !== undefined ? { "Content-Type": "application/json" } : {}),
      ...(opts.token ? { Authorization: `Bearer ${opts.token}` } : {}),
      ...opts.headers,
    },
    ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
  });
  const text = await res.text();
  return {
    status: res.status,
    body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
    headers: res.headers,
  };
}

/** Element's registration: OpenID token from Synapse → POST /api/register?v=1.1. */
async function register(who: TestUser): Promise<string> {
  const openid = await who.client.requestOpenIdToken();
  const answer = await call("POST", "/api/register?v=1.1", { body: openid });
  expect(answer.status).toBe(200);
  expect(typeof answer.body.scalar_token).toBe("string");
  return String(answer.body.scalar_token);
}

async function tokenOf(who: TestUser): Promise<string> {
  let token = tokens.get(who.user.userId);
  if (!token) {
    token = await register(who);
    tokens.set(who.user.userId, token);
  }
  return token;
}

const roomPath = (roomId: string) => `/api/atrium/rooms/${encodeURIComponent(roomId)}`;

describe("registration and tokens (Element's flow and MSC1961)", () => {
  it("exchanges a real OpenID token for a token that /api/account accepts in all three places", async () => {
    const token = await register(w.owner);
    const viaHeader = await call("GET", "/api/account?v=1.1", { token });
    expect(viaHeader).toMatchObject({ status: 200, body: { user_id: w.owner.user.userId } });
    const viaScalar = await call(
      "GET",
      `/api/account?scalar_token=${encodeURIComponent(token)}&v=1.1`,
    );
    expect(viaScalar.body).toEqual({ user_id: w.owner.user.userId });
    const viaAccess = await call(
      "GET",
      `/_matrix/integrations/v1/account?access_token=${encodeURIComponent(token)}`,
    );
    expect(viaAccess.body).toEqual({ user_id: w.owner.user.userId });
  });

  it("registers through MSC1961 and logs out: the token is dead afterwards", async () => {
    const openid = await w.member.client.requestOpenIdToken();
    const reg = await call("POST", "/_matrix/integrations/v1/account/register", { body: openid });
    expect(reg.status).toBe(200);
    const token = String(reg.body.token);
    expect((await call("GET", "/_matrix/integrations/v1/account", { token })).body).toEqual({
      user_id: w.member.user.userId,
    });
    expect((await call("POST", "/_matrix/integrations/v1/account/logout", { token })).status).toBe(
      200,
    );
    const after = await call("GET", "/_matrix/integrations/v1/account", { token });
    expect(after).toMatchObject({ status: 401, body: { errcode: "M_UNKNOWN_TOKEN" } });
  });

  it("refuses a forged OpenID token, a token of another server and an unknown IM token", async () => {
    const forged = await call("POST", "/api/register", {
      body: { access_token: "forged-openid-token", matrix_server_name: "localhost" },
    });
    expect(forged).toMatchObject({ status: 401, body: { errcode: "M_UNKNOWN_TOKEN" } });
    const openid = await w.stranger.client.requestOpenIdToken();
    const foreign = await call("POST", "/api/register", {
      body: { ...openid, matrix_server_name: "evil.example.org" },
    });
    expect(foreign.status).toBe(403);
    expect(String(foreign.body.error)).toMatch(/evil\.example\.org/);
    const missing = await call("POST", "/api/register", { body: {} });
    expect(missing).toMatchObject({ status: 400 });
    const unknown = await call("GET", "/api/account", { token: "atr_not-a-real-token" });
    expect(unknown).toMatchObject({ status: 401, body: { errcode: "M_UNKNOWN_TOKEN" } });
    const none = await call("GET", "/api/account");
    expect(none).toMatchObject({ status: 401, body: { errcode: "M_MISSING_TOKEN" } });
  });

  it("answers CORS preflights for JSON POSTs with Authorization", async () => {
    const res = await fetch(`${w.stack.imUrl}/api/register?v=1.1`, {
      method: "OPTIONS",
      headers: {
        Origin: "https://element.example.org",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type",
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(res.headers.get("access-control-allow-methods")).toMatch(/POST/);
    expect(res.headers.get("access-control-allow-headers")?.toLowerCase()).toMatch(
      /authorization.*content-type/,
    );
    const account = await call("GET", "/api/account", {
      token: await tokenOf(w.owner),
      headers: { Origin: "https://element.example.org" },
    });
    expect(account.headers.get("access-control-allow-origin")).toBe("*");
  });

  it("serves the UI at /element/ under a strict CSP, keeping Element's query on the redirect", async () => {
    const bare = await fetch(`${w.stack.imUrl}/element?scalar_token=abc&room_id=%21r`, {
      redirect: "manual",
    });
    expect(bare.status).toBe(301);
    expect(bare.headers.get("location")).toBe("/element/?scalar_token=abc&room_id=%21r");
    const page = await fetch(`${w.stack.imUrl}/element/?scalar_token=abc`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-security-policy")).toMatch(/script-src 'self'/);
    expect(await page.text()).toMatch(/<script type="module"[^>]* src="\.\/assets\//);
  });

  it("has no terms by default, and serves its discovery file", async () => {
    expect((await call("GET", "/_matrix/integrations/v1/terms")).body).toEqual({ policies: {} });
    expect((await call("GET", "/.well-known/matrix/integrations")).body).toEqual({
      "m.integrations_widget": {
        url: `${w.stack.imUrl}/element`,
        data: { api_url: `${w.stack.imUrl}/api` },
      },
    });
  });
});

describe("rooms through the integration manager", () => {
  let roomId: string;

  beforeAll(async () => {
    roomId = await roomWithBot(w.stack, w.owner, { name: "Planning" });
    await w.owner.client.invite(roomId, w.member.user.userId);
    await w.member.client.join(roomId);
  });

  it("shows the room to a member, with the levels and the bot ready", async () => {
    const view = await call("GET", roomPath(roomId), { token: await tokenOf(w.member) });
    expect(view.status).toBe(200);
    expect(view.body).toMatchObject({
      roomId,
      userId: w.member.user.userId,
      bot: { userId: w.stack.botUserId, membership: "join", level: 50, ready: true },
      room: {
        name: "Planning",
        encrypted: false,
        memberCount: 2,
        userMembership: "join",
        userLevel: 0,
        neededLevel: 50,
        canChangeWidgets: false,
        widgets: [],
      },
    });
  });

  it("adds a pad: the same widget and Etherpad pad as !pad, listed by !widgets", async () => {
    const added = await call("POST", `${roomPath(roomId)}/widgets`, {
      token: await tokenOf(w.owner),
      body: { kind: "etherpad", name: "minutes" },
    });
    expect(added.status).toBe(200);
    expect(String(added.body.message)).toMatch(/Added the pad "minutes"/);
    const widgets = await widgetsIn(w.owner, roomId);
    const pad = [...widgets.values()].find((widget) => widget.type === "m.etherpad");
    expect(pad).toMatchObject({ name: "minutes", creatorUserId: w.owner.user.userId });
    expect(String(pad?.url)).toContain("/atrium/pad?roomId=$matrix_room_id");
    const groupId = await w.etherpad.groupForRoom(roomId);
    expect(await w.etherpad.listPads(groupId)).toEqual([`${groupId}$minutes`]);
    const list = await command(w.stack, w.owner, roomId, "!widgets");
    expect(String(list.content.body)).toMatch(/minutes \(pad\)/);
  });

  it("refuses a pad name against the seed's rule, changing nothing", async () => {
    const before = await widgetsIn(w.owner, roomId);
    const refused = await call("POST", `${roomPath(roomId)}/widgets`, {
      token: await tokenOf(w.owner),
      body: { kind: "etherpad", name: "a/b" },
    });
    expect(refused).toMatchObject({ status: 400, body: { errcode: "M_INVALID_PARAM" } });
    expect(String(refused.body.error)).toMatch(/Nothing was created/);
    expect(await widgetsIn(w.owner, roomId)).toEqual(before);
  });

  it("refuses a member below the widget level and a non-member, changing nothing", async () => {
    const before = await widgetsIn(w.owner, roomId);
    const low = await call("POST", `${roomPath(roomId)}/widgets`, {
      token: await tokenOf(w.member),
      body: { kind: "custom", url: "https://example.org/board" },
    });
    expect(low).toMatchObject({ status: 403, body: { errcode: "M_FORBIDDEN", neededLevel: 50 } });
    expect(String(low.body.error)).toMatch(/needs power level 50; you have 0/);
    const outsider = await call("POST", `${roomPath(roomId)}/widgets`, {
      token: await tokenOf(w.stranger),
      body: { kind: "etherpad", name: "sneaky" },
    });
    expect(outsider).toMatchObject({ status: 403, body: { errcode: "M_FORBIDDEN" } });
    expect(String(outsider.body.error)).toMatch(/not a member/);
    // The room view is for members only (issue 22 item 14): nothing of the room leaks.
    const view = await call("GET", roomPath(roomId), { token: await tokenOf(w.stranger) });
    expect(view).toMatchObject({ status: 403, body: { errcode: "M_FORBIDDEN" } });
    expect(JSON.stringify(view.body)).not.toMatch(/memberCount|neededLevel|encrypted/);
    expect(await widgetsIn(w.owner, roomId)).toEqual(before);
  });

  it("adds a conference only with three people unless forced, and a custom page", async () => {
    const token = await tokenOf(w.owner);
    const few = await call("POST", `${roomPath(roomId)}/widgets`, {
      token,
      body: { kind: "jitsi" },
    });
    expect(few).toMatchObject({ status: 409, body: { errcode: "ATRIUM_FEW_MEMBERS" } });
    expect(String(few.body.error)).toMatch(/Add anyway/);
    expect(String(few.body.error)).toMatch(/has \d+ (person|people) \(and Atrium's bot\)/);
    const forced = await call("POST", `${roomPath(roomId)}/widgets`, {
      token,
      body: { kind: "jitsi", force: true },
    });
    expect(forced.status).toBe(200);
    const page = await call("POST", `${roomPath(roomId)}/widgets`, {
      token,
      body: { kind: "custom", url: "https://example.org/board", name: "Board" },
    });
    expect(page.status).toBe(200);
    const again = await call("POST", `${roomPath(roomId)}/widgets`, {
      token,
      body: { kind: "custom", url: "https://example.org/board", name: "Board" },
    });
    expect(again.body.widget).toEqual(page.body.widget);
    const kinds = [...(await widgetsIn(w.owner, roomId)).values()]
      .map((widget) => widget.type)
      .sort();
    expect(kinds).toEqual(["jitsi", "m.custom", "m.etherpad"]);
    const refused = await call("POST", `${roomPath(roomId)}/widgets`, {
      token,
      body: { kind: "custom", url: "http://127.0.0.1:8008/_synapse/admin" },
    });
    expect(refused).toMatchObject({ status: 400, body: { errcode: "M_INVALID_PARAM" } });
  });

  it("pins, unpins and removes (the pad archived with its text)", async () => {
    const token = await tokenOf(w.owner);
    const view = await call("GET", roomPath(roomId), { token });
    const widgets = (view.body.room as { widgets: Array<{ id: string; name: string }> }).widgets;
    const pad = widgets.find((widget) => widget.name === "minutes");
    expect(pad).toBeDefined();
    const padId = encodeURIComponent(pad!.id);
    const pinned = await call("PUT", `${roomPath(roomId)}/widgets/${padId}/pin`, {
      token,
      body: { pinned: true },
    });
    expect(pinned).toMatchObject({ status: 200, body: { widget: { pinned: true } } });
    const layout = await w.owner.client.getState(roomId, "io.element.widgets.layout");
    expect(layout).toMatchObject({ widgets: { [pad!.id]: { container: "top" } } });
    const unpinned = await call("PUT", `${roomPath(roomId)}/widgets/${padId}/pin`, {
      token,
      body: { pinned: false },
    });
    expect(unpinned.status).toBe(200);
    expect(await w.owner.client.getState(roomId, "io.element.widgets.layout")).toMatchObject({
      widgets: { [pad!.id]: { container: "right" } },
    });
    const groupId = await w.etherpad.groupForRoom(roomId);
    await w.etherpad.setText(`${groupId}$minutes`, "kept\n");
    const removed = await call("DELETE", `${roomPath(roomId)}/widgets/${padId}`, { token });
    expect(removed).toMatchObject({ status: 200 });
    expect(String(removed.body.message)).toMatch(/archived, not deleted/);
    expect((await widgetsIn(w.owner, roomId)).has(pad!.id)).toBe(false);
    expect(await w.etherpad.getText(`${groupId}$minutes`)).toBe("kept\n");
    const gone = await call("DELETE", `${roomPath(roomId)}/widgets/${padId}`, { token });
    expect(gone).toMatchObject({ status: 404, body: { errcode: "M_NOT_FOUND" } });
  });

  it("works in an encrypted room, where the bot cannot read commands", async () => {
    const encrypted = await roomWithBot(w.stack, w.owner, { name: "Secret", encrypted: true });
    const token = await tokenOf(w.owner);
    const view = await call("GET", roomPath(encrypted), { token });
    expect(view.body).toMatchObject({ room: { encrypted: true } });
    const added = await call("POST", `${roomPath(encrypted)}/widgets`, {
      token,
      body: { kind: "etherpad", name: "secrets" },
    });
    expect(added.status).toBe(200);
    const pad = [...(await widgetsIn(w.owner, encrypted)).values()].find(
      (widget) => widget.type === "m.etherpad",
    );
    expect(pad).toMatchObject({ name: "secrets" });
  });

  it("tells the IM when the bot is not in the room or lacks the widget level", async () => {
    const withoutBot = await w.owner.client.createRoom({ preset: "private_chat", name: "No bot" });
    const token = await tokenOf(w.owner);
    const view = await call("GET", roomPath(withoutBot), { token });
    expect(view.body).toMatchObject({ bot: { membership: null, ready: false }, room: null });
    const add = await call("POST", `${roomPath(withoutBot)}/widgets`, {
      token,
      body: { kind: "etherpad", name: "x" },
    });
    expect(add).toMatchObject({ status: 409, body: { errcode: "ATRIUM_BOT_NOT_READY" } });
    // Invited as the IM's invite action does; the bot joins, but without the widget level.
    await w.owner.client.invite(withoutBot, w.stack.botUserId);
    await w.owner.client.waitForMembership(withoutBot, w.stack.botUserId, "join");
    const joined = await call("GET", roomPath(withoutBot), { token });
    expect(joined.body).toMatchObject({ bot: { membership: "join", level: 0, ready: false } });
    const weak = await call("POST", `${roomPath(withoutBot)}/widgets`, {
      token,
      body: { kind: "etherpad", name: "x" },
    });
    expect(weak).toMatchObject({
      status: 409,
      body: { errcode: "ATRIUM_BOT_NOT_READY", neededLevel: 50 },
    });
    // What set_bot_power does: the widget level and no more.
    await w.owner.client.setPowerLevel(withoutBot, w.stack.botUserId, 50);
    const ok = await call("POST", `${roomPath(withoutBot)}/widgets`, {
      token,
      body: { kind: "etherpad", name: "x" },
    });
    expect(ok.status).toBe(200);
  });

  it("never writes a token to the appservice's log", async () => {
    const log = await readFile(w.stack.atrium.logFile, "utf8");
    for (const token of tokens.values()) expect(log).not.toContain(token);
    expect(log).toMatch(/integration manager registration/);
  });
});
