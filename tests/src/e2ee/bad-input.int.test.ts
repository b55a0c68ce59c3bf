/**
 * Bad encrypted input is refused with a log line and a metric, never a crash, and does not
 * hold up anyone else: garbage `m.room.encrypted` content, an unknown algorithm, a flood of
 * to-device messages from one user, and a user replaying another user's encrypted message
 * (a device claiming someone else's keys).
 */
import { randomBytes } from "node:crypto";
import { isWorkspaceBody } from "../appservice/fixtures";
import { MEGOLM } from "../harness/e2ee-user";
import { waitFor } from "../harness/wait";
import { useEncryptedRoom } from "./fixtures";

const w = useEncryptedRoom({ members: ["mallory"] });

/** A counter of the appservice's /metrics, summed over the label set that matches. */
async function metric(name: string, labels = ""): Promise<number> {
  const text = await (await fetch(`${w.stack.appserviceUrl}/metrics`)).text();
  return text
    .split("\n")
    .filter((l) => l.startsWith(name) && l.includes(labels))
    .reduce((sum, l) => sum + Number(l.split(" ").pop()), 0);
}

/** Alice's command answered (encrypted, readable), and how long it took. */
async function aliceIsAnswered(): Promise<number> {
  const started = Date.now();
  const sent = await w.alice.send(w.roomId, "!autoconference bogus");
  const reply = await w.alice.waitForMessage(
    w.roomId,
    (m) => {
      const ids = w.alice.messages(w.roomId).map((x) => x.eventId);
      return w.fromBot(/autoconference on/)(m) && ids.indexOf(m.eventId) > ids.indexOf(sent);
    },
    20_000,
  );
  expect(reply).toMatchObject({ encrypted: true, failed: false });
  return Date.now() - started;
}

it("refuses garbage and unknown algorithms with a metric; others are answered as usual", async () => {
  const malformed = await metric("atrium_crypto_decrypt_failures_total", 'reason="malformed"');
  const unknown = await metric(
    "atrium_crypto_decrypt_failures_total",
    'reason="unknown_algorithm"',
  );
  await w.members.mallory.client.sendEvent(w.roomId, "m.room.encrypted", {
    algorithm: MEGOLM,
    ciphertext: 42,
  });
  await w.members.mallory.client.sendEvent(w.roomId, "m.room.encrypted", {
    algorithm: "m.rot13.v1",
    ciphertext: "!cnq fgbyra",
  });
  await w.members.mallory.client.sendEvent(w.roomId, "m.room.encrypted", {
    algorithm: MEGOLM,
    ciphertext: "not base64 at all!",
    session_id: "x",
    sender_key: "y",
    device_id: "Z",
  });
  await waitFor("the refusals to be counted", async () =>
    (await metric("atrium_crypto_decrypt_failures_total", 'reason="malformed"')) > malformed &&
    (await metric("atrium_crypto_decrypt_failures_total", 'reason="unknown_algorithm"')) > unknown
      ? true
      : undefined,
  );
  const took = await aliceIsAnswered();
  expect(took).toBeLessThan(10_000);
  console.log(`after garbage: alice answered in ${took} ms`);
});

it("refuses a message replayed by another user under the sender's keys", async () => {
  const mismatched = await metric(
    "atrium_crypto_decrypt_failures_total",
    'reason="mismatched_sender"',
  );
  const sent = await w.alice.send(w.roomId, "!pad alices");
  await w.alice.waitForMessage(w.roomId, w.fromBot(/alices/));
  const original = (await w.alice.client.fetchRoomEvent(w.roomId, sent)) as {
    content: Record<string, unknown>;
  };
  // Replies only: the room's pinned workspace message follows the first pad at its own pace.
  const botReplies = () =>
    w.alice
      .messages(w.roomId)
      .filter((m) => m.sender === w.stack.botUserId && !isWorkspaceBody(m.body));
  const repliesBefore = botReplies().length;
  // Mallory posts Alice's ciphertext as her own: the session belongs to Alice's device.
  await w.members.mallory.client.sendEvent(w.roomId, "m.room.encrypted", original.content);
  await waitFor("the replay to be refused", async () =>
    (await metric("atrium_crypto_decrypt_failures_total", 'reason="mismatched_sender"')) >
    mismatched
      ? true
      : undefined,
  );
  await aliceIsAnswered();
  const replies = botReplies();
  // One more reply: to Alice's own command, none to the replay.
  expect(replies).toHaveLength(repliesBefore + 1);
});

it("takes a to-device flood from one user without a crash; others' keys still get through", async () => {
  const keys = await w.alice.deviceKeys(w.stack.botUserId);
  const botDevice = Object.keys(keys)[0]!;
  const refused = () =>
    Promise.all([
      metric("atrium_crypto_to_device_events_total", 'outcome="undecryptable"'),
      metric("atrium_crypto_to_device_events_total", 'outcome="invalid"'),
    ]).then(([a, b]) => a + b);
  const before = await refused();
  const flood = 300;
  for (let i = 0; i < flood; i += 1) {
    const txn = `flood-${i}-${randomBytes(4).toString("hex")}`;
    const response = await fetch(
      `${w.stack.synapse.url}/_matrix/client/v3/sendToDevice/m.room.encrypted/${txn}`,
      {
        method: "PUT",
        headers: {
          Authorization: `Bearer ${w.members.mallory.user.accessToken}`,
          "Content-Type": "application/json",
        },
        body: JSON.stringify({
          messages: {
            [w.stack.botUserId]: {
              [botDevice]: {
                algorithm: "m.olm.v1.curve25519-aes-sha2",
                sender_key: "bm90IGEga2V5",
                ciphertext: { [keys[botDevice]!.ed25519 ?? "x"]: { type: 0, body: "garbage" } },
              },
            },
          },
        }),
      },
    );
    expect(response.ok).toBe(true);
  }
  // A new room key from Alice after the flood, and a command under it.
  await w.alice.client.getCrypto()!.forceDiscardSession(w.roomId);
  const took = await aliceIsAnswered();
  console.log(`after a ${flood}-message to-device flood: alice answered in ${took} ms`);
  expect(took).toBeLessThan(15_000);
  const counted = Date.now();
  await waitFor("every flooded message refused and counted", async () =>
    (await refused()) >= before + flood ? true : undefined,
  );
  console.log(`the flood was read through ${Date.now() - counted} ms after alice's answer`);
  expect((await fetch(`${w.stack.appserviceUrl}/ready`)).status).toBe(200);
});
