/**
 * The appservice API under replay, restart and hostile input: hs_token on every route, the
 * same transaction twice, a restart with the store intact, malformed events.
 */
import { startAtrium, type AtriumStack, type TestUser } from "../harness/atrium";
import { command, roomWithBot, widgetsIn } from "./fixtures";

let stack: AtriumStack;
let alice: TestUser;
let roomId: string;

beforeAll(async () => {
  stack = await startAtrium();
  alice = await stack.user("alice");
  roomId = await roomWithBot(stack, alice);
}, 240_000);

afterAll(async () => {
  await stack?.stop();
});

const as = (path: string) => `http://127.0.0.1:${stack.config.appservice.port}${path}`;

async function putTransaction(
  txnId: string,
  events: unknown[],
  token = stack.registration.hs_token,
) {
  return fetch(as(`/_matrix/app/v1/transactions/${txnId}`), {
    method: "PUT",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ events }),
  });
}

describe("hs_token", () => {
  it.each([
    ["PUT", "/_matrix/app/v1/transactions/t1"],
    ["GET", "/_matrix/app/v1/users/%40atrium_x%3Alocalhost"],
    ["GET", "/_matrix/app/v1/rooms/%23pad_x%3Alocalhost"],
  ])("%s %s answers 403 M_FORBIDDEN with a wrong token", async (method, path) => {
    const res = await fetch(as(path), {
      method,
      headers: { "content-type": "application/json", authorization: "Bearer wrong" },
      body: method === "PUT" ? JSON.stringify({ events: [] }) : undefined,
    });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ errcode: "M_FORBIDDEN" });
  });
});

it("a replayed transaction, and the same event in a new transaction, have one effect", async () => {
  await alice.client.sendMessage(roomId, "!pad once");
  const reply = await alice.client.waitForMessage(
    roomId,
    (e) => e.sender === stack.botUserId && /Added the pad "once"/.test(String(e.content.body)),
  );
  const original = (await alice.client.messages(roomId)).find(
    (e) => e.sender === alice.user.userId && e.content.body === "!pad once",
  )!;
  const event = { ...original, room_id: roomId };
  for (const txn of ["replay-1", "replay-1", "replay-2"]) {
    expect((await putTransaction(txn, [event])).status).toBe(200);
  }
  // The bot answers a later command, so the replays were processed before it.
  await command(stack, alice, roomId, "!widgets");
  const answers = (await alice.client.messages(roomId, 100)).filter(
    (e) => e.sender === stack.botUserId && /Added the pad "once"/.test(String(e.content.body)),
  );
  expect(answers.map((e) => e.event_id)).toEqual([reply.event_id]);
});

it("survives malformed and hostile events", async () => {
  const hostile = [
    null,
    42,
    [],
    { type: "m.room.message" },
    {
      event_id: "$x",
      room_id: roomId,
      sender: alice.user.userId,
      type: "m.room.message",
      content: null,
    },
    {
      event_id: "$y",
      room_id: roomId,
      sender: alice.user.userId,
      type: "m.room.message",
      content: [],
    },
    {
      event_id: "$z",
      room_id: roomId,
      sender: alice.user.userId,
      type: "m.room.member",
      state_key: 7,
      content: {},
    },
    {
      event_id: "$w",
      room_id: roomId,
      sender: alice.user.userId,
      type: "im.vector.modular.widgets",
      state_key: "__proto__",
      content: JSON.parse('{"__proto__": {"polluted": true}, "url": {"nested": "x"}}') as unknown,
    },
  ];
  expect((await putTransaction("hostile-1", hostile)).status).toBe(200);
  const reply = await command(stack, alice, roomId, "!help");
  expect(reply.content.body).toMatch(/!pad <name>/);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
});

it("keeps its store across a restart and resumes events sent while it was down", async () => {
  const before = await widgetsIn(alice, roomId);
  await stack.stopAppservice({ crash: true });
  await alice.client.sendMessage(roomId, "!pad later");
  await stack.restart();
  // Synapse redelivers the queued transaction once it sees the appservice again.
  await alice.client.waitForMessage(
    roomId,
    (e) => e.sender === stack.botUserId && /Added the pad "later"/.test(String(e.content.body)),
    90_000,
  );
  const after = await widgetsIn(alice, roomId);
  expect(after.size).toBe(before.size + 1);
  const list = await command(stack, alice, roomId, "!widgets");
  expect(list.content.body).toMatch(/once \(pad\)/);
  expect(list.content.body).toMatch(/later \(pad\)/);
});

it("answers /ready with the state of store, homeserver and Etherpad, and serves /metrics", async () => {
  const ready = await fetch(as("/ready"));
  expect(ready.status).toBe(200);
  expect(await ready.json()).toMatchObject({
    ready: true,
    store: { ok: true },
    homeserver: { ok: true },
    etherpad: { ok: true },
  });
  const metrics = await (await fetch(as("/metrics"))).text();
  expect(metrics).toMatch(/atrium_commands_total\{command="pad",outcome="done"\}/);
  expect(metrics).toMatch(/atrium_etherpad_call_seconds_bucket/);
  expect(metrics).not.toContain(stack.registration.hs_token);
});

it("tells the user when Etherpad is down, writes nothing, and reports not ready", async () => {
  await stack.etherpad.stop();
  const before = await widgetsIn(alice, roomId);
  const reply = await command(stack, alice, roomId, "!pad offline");
  expect(reply.content.body).toMatch(/Etherpad is not answering right now, so nothing was created/);
  expect(await widgetsIn(alice, roomId)).toEqual(before);
  const ready = await fetch(as("/ready"));
  expect(ready.status).toBe(503);
  expect(await ready.json()).toMatchObject({
    ready: false,
    etherpad: { ok: false },
    store: { ok: true },
  });
});
