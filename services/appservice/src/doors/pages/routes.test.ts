import express from "express";
import type { AtriumConfigInput } from "../../config/schema";
import { serve, type Served } from "../../test-support/serve";
import { registerRoutes } from "./routes";
import {
  fakeOpenId,
  fakeWebDeps,
  noRevocations,
  pagesConfig,
  ROOM,
  type fakeStore,
} from "./test-support/fakes";

const VERIFY_TOKEN = "verify-token-0123456789";
let served: Served;
let store: ReturnType<typeof fakeStore>;

function config(extra: Partial<AtriumConfigInput> = {}) {
  return pagesConfig({
    etherpad: { sessionSeconds: 600 },
    jitsi: { domain: "meet.example.org", auth: "matrix", verifyToken: VERIFY_TOKEN },
    ...extra,
  });
}

async function startApp(cfg = config(), exchangesPerMinute?: number): Promise<void> {
  const web = fakeWebDeps(cfg, {
    members: { "@alice:example.org": "join" },
    powerLevels: { users_default: 0 },
  });
  store = web.store;
  const app = express();
  app.use(express.json());
  registerRoutes(app, web.deps, {
    openid: fakeOpenId(),
    exchangesPerMinute,
    revocations: noRevocations,
  });
  served = await serve(app);
}

const stopApp = () => served.close();
const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${served.base}${path}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...headers },
    body: JSON.stringify(body),
  });

describe("public routes", () => {
  beforeAll(() => startApp());
  afterAll(() => stopApp());

  it.each([
    ["/atrium/pad", "pad/session"],
    ["/atrium/conference", "conference/token"],
  ])("%s serves a page without inline script that posts to %s", async (path, endpoint) => {
    const res = await fetch(`${served.base}${path}?roomId=${encodeURIComponent(ROOM)}&widgetId=w1`);
    const html = await res.text();
    expect(res.status).toBe(200);
    expect(res.headers.get("content-security-policy")).toContain("script-src 'self'");
    expect(html).toContain(`data-endpoint="${endpoint}"`);
    expect(html).not.toMatch(/<script>(?!<\/script>)/);
    // The page script first (it drops an IM token from the address), then the library.
    expect([...html.matchAll(/<script src="([^"]+)"/g)].map((m) => m[1])).toEqual([
      "static/widget-page.js",
      "static/matrix-widget-api.js",
    ]);
    // Element may append the user's IM token to this URL: no Referer may carry it on.
    expect(res.headers.get("referrer-policy")).toBe("no-referrer");
  });

  it.each([
    ["/atrium/static/matrix-widget-api.js", "javascript", "mxwidgets"],
    ["/atrium/static/widget-page.js", "javascript", "scalar_token"],
    ["/atrium/static/widget-page.css", "css", "#error"],
  ])("serves %s", async (path, type, content) => {
    const res = await fetch(`${served.base}${path}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain(type);
    expect(await res.text()).toContain(content);
  });

  it("opens a session for a member: cookie for Etherpad and the pad URL", async () => {
    const res = await post("/atrium/pad/session", {
      roomId: ROOM,
      widgetId: "w1",
      openid: { access_token: "token-@alice:example.org" },
    });
    const body = (await res.json()) as { url: string; readOnly: boolean };
    expect(res.status).toBe(200);
    expect(body.url).toBe(
      `http://localhost:9002/p/${encodeURIComponent("g.abcdefghijklmnop$notes")}`,
    );
    expect(res.headers.get("set-cookie")).toBe(
      `sessionID=${store.sessions[0]?.session_id}; Max-Age=600; Path=/; SameSite=Lax`,
    );
    expect(res.headers.get("cache-control")).toBe("no-store");
  });

  it.each([
    [
      "a non-member",
      { roomId: ROOM, widgetId: "w1", openid: { access_token: "token-@eve:example.org" } },
      403,
      "M_FORBIDDEN",
    ],
    [
      "a forged token",
      { roomId: ROOM, widgetId: "w1", openid: { access_token: "forged" } },
      401,
      "M_UNKNOWN_TOKEN",
    ],
    ["a request without a token", { roomId: ROOM, widgetId: "w1" }, 400, "M_BAD_JSON"],
  ])("refuses %s with a JSON error and no cookie", async (_name, body, status, errcode) => {
    const before = store.sessions.length;
    const res = await post("/atrium/pad/session", body);
    expect(res.status).toBe(status);
    expect(res.headers.get("set-cookie")).toBeNull();
    const json = (await res.json()) as { errcode: string; error: string };
    expect(json.errcode).toBe(errcode);
    expect(json.error.length).toBeGreaterThan(10);
    expect(store.sessions.length).toBe(before);
  });

  it.each<[string, Record<string, string>, number]>([
    ["no Authorization header", {}, 401],
    ["a wrong bearer", { Authorization: "Bearer wrong" }, 403],
    ["the right bearer", { Authorization: `Bearer ${VERIFY_TOKEN}` }, 200],
  ])("/verify/user_in_room with %s answers %i", async (_name, headers, status) => {
    const res = await post(
      "/verify/user_in_room",
      { token: "token-@alice:example.org", room_id: ROOM },
      headers,
    );
    expect(res.status).toBe(status);
    if (status === 200) {
      expect(await res.json()).toEqual({
        results: { user: true, room_membership: true },
        user_id: "@alice:example.org",
        power_levels: { room: { users_default: 0, state_default: 50 }, user: 0 },
      });
    }
  });

  it("/verify/user checks the bearer too", async () => {
    expect((await post("/verify/user", { token: "token-@alice:example.org" })).status).toBe(401);
    const ok = await post(
      "/verify/user",
      { token: "token-@alice:example.org" },
      { Authorization: `Bearer ${VERIFY_TOKEN}` },
    );
    expect(await ok.json()).toEqual({ results: { user: true }, user_id: "@alice:example.org" });
  });
});

describe("public routes without a verify token", () => {
  beforeAll(() => startApp(config({ jitsi: { domain: "meet.example.org", auth: "none" } })));
  afterAll(() => stopApp());

  it("does not offer /verify at all", async () => {
    const res = await post("/verify/user", { token: "x" }, { Authorization: "Bearer anything" });
    expect(res.status).toBe(404);
  });
});

describe("the OpenID exchanges under a flood", () => {
  beforeAll(() => startApp(config(), 3));
  afterAll(() => stopApp());

  it("answers M_LIMIT_EXCEEDED with retry_after_ms past the limit, and opens no more sessions", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await post("/atrium/pad/session", {
        roomId: ROOM,
        widgetId: "w1",
        openid: { access_token: "t" },
      });
      statuses.push(res.status);
      if (res.status === 429) {
        expect(await res.json()).toMatchObject({
          errcode: "M_LIMIT_EXCEEDED",
          retry_after_ms: 60_000,
        });
      }
    }
    expect(statuses.filter((s) => s === 429)).toHaveLength(2);
    expect(statuses.slice(3)).toEqual([429, 429]);
  });
});
