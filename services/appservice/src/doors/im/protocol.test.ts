import express from "express";
import pino from "pino";
import { configSchema } from "../../config/schema";
import { parseConfig } from "../../config/load";
import { ImTokens } from "../../store/im-tokens";
import { Store } from "../../store/store";
import { configInput } from "../../test-support/config";
import { serve, type Served } from "../../test-support/serve";
import { createMetrics } from "../../util/metrics";
import { fakeOpenId } from "../pages/test-support/fakes";
import { addProtocolRoutes } from "./protocol";

const BASE = configInput("example.org");
const TOS = "https://im.example.org/terms-1.0.html";

let store: Store;
let served: Served;

async function start(policies: unknown[]): Promise<void> {
  const config = configSchema.parse({
    ...BASE,
    integrationManager: { publicUrl: "https://im.example.org", policies },
  });
  store = await Store.open({ engine: "sqlite", filename: ":memory:" });
  const app = express();
  app.use(express.json());
  addProtocolRoutes(app, {
    config,
    im: config.integrationManager!,
    tokens: new ImTokens(store.db),
    openid: fakeOpenId(),
    metrics: createMetrics(),
    log: pino({ level: "silent" }),
  });
  served = await serve(app);
}

afterEach(async () => {
  await served.close();
  await store.close();
});

async function json(path: string, init: RequestInit = {}) {
  const res = await fetch(`${served.base}${path}`, {
    ...init,
    headers: { "Content-Type": "application/json", ...(init.headers ?? {}) },
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function register(userId: string): Promise<string> {
  const res = await json("/api/register?v=1.1", {
    method: "POST",
    body: JSON.stringify({ access_token: `token-${userId}`, matrix_server_name: "example.org" }),
  });
  expect(res.status).toBe(200);
  return String(res.body.scalar_token);
}

describe("terms of service (MSC2140)", () => {
  it("with policies: /account says M_TERMS_NOT_SIGNED until every policy is accepted", async () => {
    await start([{ id: "tos", version: "1.0", name: "Terms", url: TOS }]);
    expect((await json("/_matrix/integrations/v1/terms")).body).toEqual({
      policies: { tos: { version: "1.0", en: { name: "Terms", url: TOS } } },
    });
    const token = await register("@alice:example.org");
    const auth = { Authorization: `Bearer ${token}` };
    const pending = await json("/api/account", { headers: auth });
    expect(pending).toMatchObject({ status: 403, body: { errcode: "M_TERMS_NOT_SIGNED" } });
    const unrelated = await json("/_matrix/integrations/v1/terms", {
      method: "POST",
      headers: auth,
      body: JSON.stringify({ user_accepts: ["https://elsewhere.example.org/other"] }),
    });
    expect(unrelated.status).toBe(200);
    expect((await json("/api/account", { headers: auth })).status).toBe(403);
    const accepted = await json("/_matrix/integrations/v1/terms", {
      method: "POST",
      headers: auth,
      body: JSON.stringify({ user_accepts: [TOS] }),
    });
    expect(accepted).toEqual({ status: 200, body: {} });
    expect(await json("/api/account", { headers: auth })).toEqual({
      status: 200,
      body: { user_id: "@alice:example.org" },
    });
  });

  it("refuses a malformed acceptance and an anonymous one", async () => {
    await start([{ id: "tos", version: "1.0", name: "Terms", url: TOS }]);
    const token = await register("@alice:example.org");
    const bad = await json("/_matrix/integrations/v1/terms", {
      method: "POST",
      headers: { Authorization: `Bearer ${token}` },
      body: JSON.stringify({ user_accepts: TOS }),
    });
    expect(bad.status).toBe(400);
    const anonymous = await json("/_matrix/integrations/v1/terms", {
      method: "POST",
      body: JSON.stringify({ user_accepts: [TOS] }),
    });
    expect(anonymous).toMatchObject({ status: 401, body: { errcode: "M_MISSING_TOKEN" } });
  });

  it("without policies: nothing to sign", async () => {
    await start([]);
    expect((await json("/_matrix/integrations/v1/terms")).body).toEqual({ policies: {} });
    const token = await register("@bob:example.org");
    expect((await json(`/api/account?scalar_token=${encodeURIComponent(token)}`)).body).toEqual({
      user_id: "@bob:example.org",
    });
  });
});

describe("integration manager config", () => {
  it("refuses an IM on the widget pages' origin, and a path in its URL", () => {
    expect(() =>
      parseConfig({ ...BASE, integrationManager: { publicUrl: "https://pads.example.org" } }),
    ).toThrow(/integrationManager\.publicUrl: must be another origin than web\.publicUrl/);
    expect(() =>
      parseConfig({ ...BASE, integrationManager: { publicUrl: "https://im.example.org/im" } }),
    ).toThrow(/integrationManager\.publicUrl: must be an origin without a path/);
    expect(
      parseConfig({ ...BASE, integrationManager: { publicUrl: "https://im.example.org" } })
        .integrationManager,
    ).toMatchObject({ port: 9002, tokenLifetimeHours: 8, policies: [] });
  });
});
