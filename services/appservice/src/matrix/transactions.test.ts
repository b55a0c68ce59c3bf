import http from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pino from "pino";
import { Store } from "../store/store";
import { createMetrics } from "../util/metrics";
import { DurableAppService } from "./transactions";
import { tokenMatches } from "./hs-token";

const HS_TOKEN = "hs-secret-token-0123456789";
let dir: string;
let store: Store;
let server: http.Server;
let base: string;
let recorded = 0;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "atrium-txn-"));
  store = await Store.open({ engine: "sqlite", filename: path.join(dir, "atrium.db") });
  const as = new DurableAppService(
    HS_TOKEN,
    store,
    () => void recorded++,
    createMetrics(),
    pino({ level: "silent" }),
  );
  as.onAliasQuery = async () => undefined;
  as.onUserQuery = async () => undefined;
  server = http.createServer(as.expressApp);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const call = (method: string, route: string, token?: string, body?: unknown) =>
  fetch(`${base}${route}`, {
    method,
    headers: {
      "content-type": "application/json",
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

describe("the appservice API", () => {
  it("answers the homeserver's ping (MSC2659) with the right token", async () => {
    const res = await call("POST", "/_matrix/app/v1/ping", HS_TOKEN, { transaction_id: "t" });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({});
  });

  it.each([
    ["POST", "/_matrix/app/v1/ping", { transaction_id: "t" }],
    ["PUT", "/_matrix/app/v1/transactions/t1", { events: [] }],
    ["GET", "/_matrix/app/v1/users/%40x%3Ahs", undefined],
    ["GET", "/_matrix/app/v1/rooms/%23pad_x%3Ahs", undefined],
  ])("%s %s refuses a wrong, a prefix-only or no token", async (method, route, body) => {
    for (const token of ["wrong", HS_TOKEN.slice(0, -1), `${HS_TOKEN}x`, undefined]) {
      const res = await call(method, route, token, body);
      expect(res.status).toBe(403);
      expect(await res.json()).toMatchObject({ errcode: "M_FORBIDDEN" });
    }
    expect(recorded).toBe(0);
  });

  it("records a transaction with the right token", async () => {
    const res = await call("PUT", "/_matrix/app/v1/transactions/t2", HS_TOKEN, {
      events: [{ event_id: "$a", room_id: "!r:hs", type: "m.room.message", content: {} }],
    });
    expect(res.status).toBe(200);
    expect((await store.pendingEvents()).map((e) => e.eventId)).toEqual(["$a"]);
  });
});

describe("tokenMatches", () => {
  it.each([
    ["abc", "abc", true],
    ["abd", "abc", false],
    ["ab", "abc", false],
    ["", "", false],
    [undefined, "abc", false],
  ])("%p vs %p → %p", (provided, expected, result) => {
    expect(tokenMatches(provided, expected)).toBe(result);
  });
});
