/**
 * Keys that come late or never, feed posts and Element's "exclude insecure devices" in an
 * encrypted room, with an Element-equivalent user (matrix-js-sdk, Rust crypto).
 */
import { OnlySignedDevicesIsolationMode } from "matrix-js-sdk/lib/crypto-api/index.js";
import { startAtrium, type AtriumStack, type TestUser } from "../harness/atrium";
import { E2eeUser, type SeenMessage } from "../harness/e2ee-user";
import { widgetsIn } from "../appservice/fixtures";
import { rss, startFeedServer, type FeedServer } from "../feeds/feed-server";

/** Seconds the bot waits for a key before it says it could not read a message. */
const LIMIT_S = 6;

let stack: AtriumStack;
let server: FeedServer;
let aliceUser: TestUser;
let alice: E2eeUser;
let roomId: string;

beforeAll(async () => {
  server = await startFeedServer();
  stack = await startAtrium({
    config: (base) => ({
      ...base,
      encryption: { ...base.encryption, undecryptableNoticeSeconds: LIMIT_S },
      feeds: { intervalSeconds: 1, minIntervalSeconds: 1, allowList: [`127.0.0.1:${server.port}`] },
    }),
  });
  aliceUser = await stack.user("alice");
  alice = await E2eeUser.start(stack.synapse.url, aliceUser.user);
  roomId = await alice.createEncryptedRoom([stack.botUserId]);
  await alice.waitForJoin(roomId, stack.botUserId);
  await aliceUser.client.setPowerLevel(roomId, stack.botUserId, 50);
}, 240_000);

afterAll(async () => {
  await alice?.stop();
  await stack?.stop();
  await server?.close();
});

const fromBot = (pattern: RegExp) => (m: SeenMessage) =>
  m.sender === stack.botUserId && pattern.test(m.body);
/** The bot's first message after the event `sent` (decrypted or not). */
const afterFromBot = (sent: string) => (m: SeenMessage) => {
  const ids = alice.messages(roomId).map((x) => x.eventId);
  return m.sender === stack.botUserId && ids.indexOf(m.eventId) > ids.indexOf(sent);
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

it("runs a command whose key arrives after it, once the key is there", async () => {
  await alice.client.getCrypto()!.forceDiscardSession(roomId);
  alice.toDevice.holding = true;
  await alice.send(roomId, "!pad late");
  alice.toDevice.holding = false;
  // The bot has the message but not its key: it waits (parked), says nothing yet.
  await sleep(3000);
  expect(alice.messages(roomId).filter(fromBot(/late|could not read/))).toEqual([]);
  expect(await alice.toDevice.release()).toBeGreaterThan(0);
  const reply = await alice.waitForMessage(roomId, fromBot(/late/), 15_000);
  expect(reply).toMatchObject({ encrypted: true, failed: false });
  expect([...(await widgetsIn(aliceUser, roomId)).values()].map((w) => w.name)).toContain("late");
});

it("posts a feed's entries encrypted into an encrypted room", async () => {
  server.set("/news.xml", {
    body: rss("News", [
      { guid: "1", title: "Encrypted entry one", link: "https://example.org/1", date: new Date() },
    ]),
  });
  const sent = await alice.send(roomId, `!feed add ${server.url("/news.xml")} news`);
  const answer = await alice.waitForMessage(roomId, afterFromBot(sent));
  expect(answer.body).toMatch(/Following|Encrypted entry one/);
  const entry = await alice.waitForMessage(roomId, fromBot(/Encrypted entry one/), 20_000);
  expect(entry).toMatchObject({ encrypted: true, failed: false });
  const raw = await aliceUser.client.messages(roomId, 100);
  expect(raw.filter((e) => e.sender === stack.botUserId && e.type === "m.room.message")).toEqual(
    [],
  );
});

it("has a cross-signed device, so 'exclude insecure devices' still reaches it both ways", async () => {
  const devices = Object.keys(await alice.deviceKeys(stack.botUserId));
  expect(devices).toHaveLength(1);
  const crypto = alice.client.getCrypto()!;
  // Alice's own account is cross-signed, as an Element user's is once set up.
  await crypto.bootstrapCrossSigning({
    authUploadDeviceSigningKeys: async (makeRequest) => {
      await makeRequest({
        type: "m.login.password",
        identifier: { type: "m.id.user", user: aliceUser.user.userId },
        password: aliceUser.user.password,
      });
    },
  });
  const status = await crypto.getDeviceVerificationStatus(stack.botUserId, devices[0]!);
  expect(status?.signedByOwner).toBe(true);
  crypto.setDeviceIsolationMode(new OnlySignedDevicesIsolationMode());
  try {
    await crypto.forceDiscardSession(roomId);
    const sent = await alice.send(roomId, "!widgets");
    const reply = await alice.waitForMessage(roomId, afterFromBot(sent));
    expect(reply.failure).toBeNull();
    expect(reply.body).toMatch(/widgets/i);
    expect(reply).toMatchObject({ encrypted: true, failed: false });
  } finally {
    crypto.setDeviceIsolationMode(
      new (await import("matrix-js-sdk/lib/crypto-api/index.js")).AllDevicesIsolationMode(false),
    );
  }
});

it("says once, encrypted, that it could not read messages whose key never came", async () => {
  // Another user: a dropped key leaves this client's Olm session with the bot unusable.
  const bobUser = await stack.user("bob");
  const bob = await E2eeUser.start(stack.synapse.url, bobUser.user);
  try {
    await aliceUser.client.invite(roomId, bobUser.user.userId);
    await bob.client.joinRoom(roomId);
    await bob.waitForJoin(roomId, bobUser.user.userId);
    bob.toDevice.holding = true;
    await bob.send(roomId, "!pad never");
    await bob.send(roomId, "!pad never2");
    expect(bob.toDevice.drop()).toBeGreaterThan(0);
    const notice = await bob.waitForMessage(
      roomId,
      fromBot(/could not read a message/),
      (LIMIT_S + 20) * 1000,
    );
    expect(notice).toMatchObject({ encrypted: true, failed: false });
    expect(notice.body).toContain(bobUser.user.userId);
    expect(notice.body).toMatch(/send it again/);
    await sleep((LIMIT_S + 4) * 1000);
    expect(bob.messages(roomId).filter(fromBot(/could not read a message/))).toHaveLength(1);
    const names = [...(await widgetsIn(aliceUser, roomId)).values()].map((w) => w.name);
    expect(names).not.toContain("never");
  } finally {
    await bob.stop();
  }
}, 90_000);
