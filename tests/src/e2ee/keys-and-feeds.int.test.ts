/**
 * Keys that come late or never, feed posts and Element's "exclude insecure devices" in an
 * encrypted room, with an Element-equivalent user (matrix-js-sdk, Rust crypto).
 */
import { OnlySignedDevicesIsolationMode } from "matrix-js-sdk/lib/crypto-api/index.js";
import { E2eeUser, type SeenMessage } from "../harness/e2ee-user";
import { isWorkspaceBody, widgetsIn } from "../appservice/fixtures";
import { rss } from "../feeds/feed-server";
import { feedServerFor } from "../feeds/fixtures";
import { useEncryptedRoom } from "./fixtures";

/** Seconds the bot waits for a key before it says it could not read a message. */
const LIMIT_S = 6;

const w = useEncryptedRoom({
  before: feedServerFor,
  atrium: ({ server }) => ({
    config: (base) => ({
      ...base,
      encryption: { ...base.encryption, undecryptableNoticeSeconds: LIMIT_S },
      feeds: { intervalSeconds: 1, minIntervalSeconds: 1, allowList: [`127.0.0.1:${server.port}`] },
    }),
  }),
});

/**
 * The bot's first message after the event `sent` (decrypted or not), past the pinned workspace
 * message, which races the answers when the widgets change.
 */
const afterFromBot = (sent: string) => (m: SeenMessage) => {
  const ids = w.alice.messages(w.roomId).map((x) => x.eventId);
  return (
    m.sender === w.stack.botUserId &&
    ids.indexOf(m.eventId) > ids.indexOf(sent) &&
    !isWorkspaceBody(m.body)
  );
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

it("runs a command whose key arrives after it, once the key is there", async () => {
  await w.alice.client.getCrypto()!.forceDiscardSession(w.roomId);
  w.alice.toDevice.holding = true;
  await w.alice.send(w.roomId, "!pad late");
  w.alice.toDevice.holding = false;
  // The bot has the message but not its key: it waits (parked), says nothing yet.
  await sleep(3000);
  expect(w.alice.messages(w.roomId).filter(w.fromBot(/late|could not read/))).toEqual([]);
  expect(await w.alice.toDevice.release()).toBeGreaterThan(0);
  const reply = await w.alice.waitForMessage(w.roomId, w.fromBot(/late/), 15_000);
  expect(reply).toMatchObject({ encrypted: true, failed: false });
  expect([...(await widgetsIn(w.owner, w.roomId)).values()].map((widget) => widget.name)).toContain(
    "late",
  );
});

it("posts a feed's entries encrypted into an encrypted room", async () => {
  w.server.set("/news.xml", {
    body: rss("News", [
      { guid: "1", title: "Encrypted entry one", link: "https://example.org/1", date: new Date() },
    ]),
  });
  const sent = await w.alice.send(w.roomId, `!feed add ${w.server.url("/news.xml")} news`);
  const answer = await w.alice.waitForMessage(w.roomId, afterFromBot(sent));
  expect(answer.body).toMatch(/Following|Encrypted entry one/);
  const entry = await w.alice.waitForMessage(w.roomId, w.fromBot(/Encrypted entry one/), 20_000);
  expect(entry).toMatchObject({ encrypted: true, failed: false });
  const raw = await w.owner.client.messages(w.roomId, 100);
  expect(raw.filter((e) => e.sender === w.stack.botUserId && e.type === "m.room.message")).toEqual(
    [],
  );
});

it("has a cross-signed device, so 'exclude insecure devices' still reaches it both ways", async () => {
  const devices = Object.keys(await w.alice.deviceKeys(w.stack.botUserId));
  expect(devices).toHaveLength(1);
  const crypto = w.alice.client.getCrypto()!;
  // Alice's own account is cross-signed, as an Element user's is once set up.
  await crypto.bootstrapCrossSigning({
    authUploadDeviceSigningKeys: async (makeRequest) => {
      await makeRequest({
        type: "m.login.password",
        identifier: { type: "m.id.user", user: w.owner.user.userId },
        password: w.owner.user.password,
      });
    },
  });
  const status = await crypto.getDeviceVerificationStatus(w.stack.botUserId, devices[0]!);
  expect(status?.signedByOwner).toBe(true);
  crypto.setDeviceIsolationMode(new OnlySignedDevicesIsolationMode());
  try {
    await crypto.forceDiscardSession(w.roomId);
    const sent = await w.alice.send(w.roomId, "!widgets");
    const reply = await w.alice.waitForMessage(w.roomId, afterFromBot(sent));
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
  const bobUser = await w.stack.user("bob");
  const bob = await E2eeUser.start(w.stack.synapse.url, bobUser.user);
  try {
    await w.owner.client.invite(w.roomId, bobUser.user.userId);
    await bob.client.joinRoom(w.roomId);
    await bob.waitForJoin(w.roomId, bobUser.user.userId);
    bob.toDevice.holding = true;
    await bob.send(w.roomId, "!pad never");
    await bob.send(w.roomId, "!pad never2");
    expect(bob.toDevice.drop()).toBeGreaterThan(0);
    const notice = await bob.waitForMessage(
      w.roomId,
      w.fromBot(/could not read a message/),
      (LIMIT_S + 20) * 1000,
    );
    expect(notice).toMatchObject({ encrypted: true, failed: false });
    expect(notice.body).toContain(bobUser.user.userId);
    expect(notice.body).toMatch(/send it again/);
    await sleep((LIMIT_S + 4) * 1000);
    expect(bob.messages(w.roomId).filter(w.fromBot(/could not read a message/))).toHaveLength(1);
    const names = [...(await widgetsIn(w.owner, w.roomId)).values()].map((widget) => widget.name);
    expect(names).not.toContain("never");
  } finally {
    await bob.stop();
  }
}, 90_000);
