/**
 * Encrypted rooms, for real: an Element-equivalent user (matrix-js-sdk with its Rust crypto)
 * types commands in an encrypted room; the bot decrypts them, carries them out like any other
 * and answers encrypted. Its identity survives a crash, and a command sent with a new room key
 * while the appservice was down is carried out soon after it is back.
 */
import { readFileSync } from "node:fs";
import { startAtrium, type AtriumStack, type TestUser } from "../harness/atrium";
import { E2eeUser, type SeenMessage } from "../harness/e2ee-user";
import { widgetsIn } from "../appservice/fixtures";

let stack: AtriumStack;
let owner: TestUser;
let alice: E2eeUser;
let roomId: string;

beforeAll(async () => {
  stack = await startAtrium();
  owner = await stack.user("alice");
  alice = await E2eeUser.start(stack.synapse.url, owner.user);
  roomId = await alice.createEncryptedRoom([stack.botUserId]);
  await alice.waitForJoin(roomId, stack.botUserId);
  await owner.client.setPowerLevel(roomId, stack.botUserId, 50);
}, 240_000);

afterAll(async () => {
  await alice?.stop();
  await stack?.stop();
});

const fromBot = (pattern: RegExp) => (m: SeenMessage) =>
  m.sender === stack.botUserId && pattern.test(m.body);

it("reads an encrypted `!pad notes`: the pad widget appears and the encrypted reply decrypts", async () => {
  const sent = Date.now();
  await alice.send(roomId, "!pad notes");
  const reply = await alice.waitForMessage(roomId, fromBot(/notes/));
  const answeredMs = Date.now() - sent;
  expect(reply).toMatchObject({ encrypted: true, failed: false, msgtype: "m.notice" });
  const widgets = [...(await widgetsIn(owner, roomId)).values()];
  expect(widgets.map((w) => w.name)).toContain("notes");
  // Nothing the bot said in this room went out in plaintext, and no "cannot read" notice.
  const raw = await owner.client.messages(roomId, 100);
  const plaintext = raw.filter((e) => e.sender === stack.botUserId && e.type === "m.room.message");
  expect(plaintext).toEqual([]);
  expect(
    raw.filter((e) => e.sender === stack.botUserId && e.type === "m.room.encrypted").length,
  ).toBeGreaterThan(0);
  console.log(`encrypted !pad answered in ${answeredMs} ms (first send into the room)`);
  const status = readFileSync(`/proc/${stack.atrium.pid}/status`, "utf8");
  const kib = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
  console.log(
    `appservice RSS with the crypto store open: ${Math.round(kib("VmRSS") / 1024)} MiB now, ${Math.round(kib("VmHWM") / 1024)} MiB peak`,
  );
});

it("keeps its identity across a SIGKILL: the same device keys, and commands after it work", async () => {
  const before = await alice.deviceKeys(stack.botUserId);
  expect(Object.keys(before)).toHaveLength(1);
  await stack.stopAppservice({ crash: true });
  await stack.restart();
  expect(await alice.deviceKeys(stack.botUserId)).toEqual(before);
  await alice.send(roomId, "!widgets");
  const reply = await alice.waitForMessage(roomId, fromBot(/Widgets Atrium placed here/));
  expect(reply).toMatchObject({ encrypted: true, failed: false });
  expect(reply.body).toMatch(/notes/);
});

it("carries out a command sent with a new room key while it was down, within 15 s of its restart", async () => {
  await stack.stopAppservice();
  // A new megolm session: its key goes to the bot's device while nothing of Atrium runs.
  await alice.client.getCrypto()!.forceDiscardSession(roomId);
  await alice.send(roomId, "!pad outage");
  const restarted = Date.now();
  await stack.restart();
  const reply = await alice.waitForMessage(roomId, fromBot(/outage/), 15_000);
  const tookMs = Date.now() - restarted;
  expect(reply).toMatchObject({ encrypted: true, failed: false });
  expect([...(await widgetsIn(owner, roomId)).values()].map((w) => w.name)).toContain("outage");
  expect(tookMs).toBeLessThan(15_000);
  console.log(`command sent during the outage carried out ${tookMs} ms after the restart began`);
});
