/**
 * A deployment whose operator turned encryption off (`encryption.enabled: false`): the bot has
 * no device and cannot read encrypted rooms, so it says once per room and per encryption change
 * that encryption is off for it and what still works (the integration manager, its widgets) —
 * when it joins an encrypted room, when a room it is in becomes encrypted, and (for rooms
 * encrypted before) when someone writes there. Retries and restarts do not repeat it. (With
 * encryption on, the default, the bot reads these rooms: see tests/src/e2ee.)
 */
import { startAtrium, type AtriumStack, type TestUser } from "../harness/atrium";
import type { RoomEvent } from "../harness/matrix-client";
import { waitFor } from "../harness/wait";
import { roomWithBot } from "./fixtures";

let stack: AtriumStack;
let owner: TestUser;
const MEGOLM = { algorithm: "m.megolm.v1.aes-sha2" };

beforeAll(async () => {
  stack = await startAtrium({ config: (base) => ({ ...base, encryption: { enabled: false } }) });
  owner = await stack.user("owner");
}, 240_000);

afterAll(async () => {
  await stack?.stop();
});

async function encryptionNotices(roomId: string): Promise<RoomEvent[]> {
  return (await owner.client.messages(roomId, 100)).filter(
    (e) =>
      e.sender === stack.botUserId &&
      e.type === "m.room.message" &&
      /end-to-end encrypted/.test(String(e.content.body)),
  );
}

/** A ciphertext as a client would send it (the bot cannot decrypt it, whatever it says). */
function encryptedMessage(owner: TestUser, roomId: string): Promise<string> {
  return owner.client.sendEvent(roomId, "m.room.encrypted", {
    ...MEGOLM,
    ciphertext: "AwgAEnB4om0Ic0S0lQ",
    sender_key: "dGVzdC1zZW5kZXIta2V5",
    session_id: "dGVzdC1zZXNzaW9u",
    device_id: "TESTDEVICE",
  });
}

it("tells an encrypted room it joins what still works, once", async () => {
  const roomId = await owner.client.createRoom({
    preset: "private_chat",
    name: "Private",
    initial_state: [{ type: "m.room.encryption", state_key: "", content: MEGOLM }],
  });
  await owner.client.invite(roomId, stack.botUserId);
  const notice = await owner.client.waitForMessage(roomId, (e) =>
    /end-to-end encrypted/.test(String(e.content.body)),
  );
  expect(notice.sender).toBe(stack.botUserId);
  expect(notice.content.msgtype).toBe("m.notice");
  expect(String(notice.content.body)).toMatch(/Extensions → Add extensions/);
  expect(String(notice.content.body)).toMatch(/encryption\.enabled: false/);
  // Someone types `!pad notes`, encrypted: no second notice, and nothing is created.
  await encryptedMessage(owner, roomId);
  await owner.client.sendMessage(roomId, "plain marker");
  await owner.client.waitForMessage(roomId, (e) => e.content.body === "plain marker");
  await stack.restart();
  await encryptedMessage(owner, roomId);
  await owner.client.sendMessage(roomId, "!widgets");
  await owner.client.waitForMessage(
    roomId,
    (e) => e.sender === stack.botUserId && /placed no widgets/.test(String(e.content.body)),
  );
  expect(await encryptionNotices(roomId)).toHaveLength(1);
});

it("tells a room that becomes encrypted, and again only when its encryption changes", async () => {
  const roomId = await roomWithBot(stack, owner, { name: "Later" });
  expect(await encryptionNotices(roomId)).toHaveLength(0);
  await owner.client.sendState(roomId, "m.room.encryption", "", MEGOLM);
  await owner.client.waitForMessage(roomId, (e) =>
    /end-to-end encrypted/.test(String(e.content.body)),
  );
  await encryptedMessage(owner, roomId);
  await owner.client.sendMessage(roomId, "!help");
  await owner.client.waitForMessage(
    roomId,
    (e) =>
      e.sender === stack.botUserId &&
      /!pad/.test(String(e.content.body)) &&
      !/encrypted/.test(String(e.content.body)),
  );
  expect(await encryptionNotices(roomId)).toHaveLength(1);
  await owner.client.sendState(roomId, "m.room.encryption", "", {
    ...MEGOLM,
    rotation_period_ms: 604800000,
  });
  await waitFor("a second notice for the changed encryption", async () =>
    (await encryptionNotices(roomId)).length === 2 ? true : undefined,
  );
  expect(await encryptionNotices(roomId)).toHaveLength(2);
});
