/**
 * Issue 22 items 6 and 14, through the IM's room routes with the real state cache over a
 * counting homeserver: a refusal is confirmed with the member event and the power levels only
 * (never a full room-state read), refusals are rate-limited per token, and the room view tells a
 * non-member nothing about the room.
 */
import express from "express";
import pino from "pino";
import { configSchema } from "../../config/schema";
import { ImTokens } from "../../store/im-tokens";
import { Store } from "../../store/store";
import { configInput } from "../../test-support/config";
import { serve, type Served } from "../../test-support/serve";
import { createMetrics } from "../../util/metrics";
import { fakeOpenId } from "../pages/test-support/fakes";
import type { MatrixGateway, StateEvent } from "../../matrix/gateway";
import { StateCachingGateway } from "../../matrix/state-cache";
import type { RoomActions } from "../../workspace/room-actions";
import { addRoomRoutes } from "./rooms";

const ROOM = "!secret:example.org";
const BOT = "@atrium:example.org";
const MEMBER = "@member:example.org";
const STRANGER = "@stranger:example.org";

const STATE: StateEvent[] = [
  { type: "m.room.create", state_key: "", content: { room_version: "10" }, sender: MEMBER },
  {
    type: "m.room.power_levels",
    state_key: "",
    content: { users: { [BOT]: 100, [MEMBER]: 100 }, events: {} },
    sender: MEMBER,
  },
  { type: "m.room.name", state_key: "", content: { name: "Board of directors" }, sender: MEMBER },
  { type: "m.room.encryption", state_key: "", content: { algorithm: "m.megolm.v1.aes-sha2" } },
  { type: "m.room.member", state_key: BOT, content: { membership: "join" }, sender: BOT },
  { type: "m.room.member", state_key: MEMBER, content: { membership: "join" }, sender: MEMBER },
].map((e) => ({ sender: "", event_id: `$${e.type}`, ...e }));

let store: Store;
let served: Served;
let requests: string[];
let tokens: ImTokens;

beforeEach(async () => {
  const config = configSchema.parse(
    configInput("example.org", { integrationManager: { publicUrl: "https://im.example.org" } }),
  );
  requests = [];
  const homeserver = {
    botUserId: BOT,
    async roomState() {
      requests.push("full_state");
      return STATE.map((e) => ({ ...e }));
    },
    async getState(_room: string, type: string, stateKey = "") {
      requests.push(`state_read ${type}`);
      return STATE.find((e) => e.type === type && e.state_key === stateKey)?.content ?? null;
    },
  } as unknown as MatrixGateway;
  store = await Store.open({ engine: "sqlite", filename: ":memory:" });
  tokens = new ImTokens(store.db);
  const app = express();
  app.use(express.json());
  addRoomRoutes(app, {
    config,
    im: config.integrationManager!,
    tokens,
    openid: fakeOpenId(),
    metrics: createMetrics(),
    log: pino({ level: "silent" }),
    store,
    gateway: new StateCachingGateway(homeserver),
    actions: {} as RoomActions,
  });
  served = await serve(app);
});

afterEach(async () => {
  await served.close();
  await store.close();
});

async function call(method: string, path: string, token: string, body?: unknown) {
  const res = await fetch(`${served.base}${path}`, {
    method,
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, text: await res.text() };
}

const roomPath = `/api/atrium/rooms/${encodeURIComponent(ROOM)}`;

describe("the room view (item 14)", () => {
  it("answers a member with the room", async () => {
    const view = await call("GET", roomPath, await tokens.issue(MEMBER, 3600_000));
    expect(view.status).toBe(200);
    expect(JSON.parse(view.text)).toMatchObject({ room: { name: "Board of directors" } });
  });

  it("tells a non-member nothing about the room: no name, encryption, member count or levels", async () => {
    const view = await call("GET", roomPath, await tokens.issue(STRANGER, 3600_000));
    expect(view.status).toBe(403);
    expect(JSON.parse(view.text)).toMatchObject({ errcode: "M_FORBIDDEN" });
    for (const secret of ["Board of directors", "encrypted", "memberCount", "neededLevel"]) {
      expect(view.text).not.toContain(secret);
    }
  });
});

describe("refusals (item 6)", () => {
  it("are confirmed with the member event and the power levels, never a full read", async () => {
    const token = await tokens.issue(STRANGER, 3600_000);
    for (let i = 0; i < 3; i++) {
      const res = await call("POST", `${roomPath}/widgets`, token, { kind: "etherpad", name: "x" });
      expect(res.status).toBe(403);
    }
    // The one cold read of the room, then two small reads per refusal.
    expect(requests.filter((r) => r === "full_state")).toHaveLength(1);
    expect(requests.filter((r) => r !== "full_state").sort()).toEqual(
      [
        ...Array(3).fill("state_read m.room.member"),
        ...Array(3).fill("state_read m.room.power_levels"),
      ].sort(),
    );
  });

  it("are limited per token: past the budget, 429 and no homeserver read at all", async () => {
    const token = await tokens.issue(STRANGER, 3600_000);
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) statuses.push((await call("GET", roomPath, token)).status);
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(403));
    expect(statuses.slice(10)).toEqual(Array(30).fill(429));
    const reads = requests.length;
    await call("GET", roomPath, token);
    expect(requests.length).toBe(reads);
    // Another token (a member) is not held up by the stranger's refusals.
    expect((await call("GET", roomPath, await tokens.issue(MEMBER, 3600_000))).status).toBe(200);
  });
});
