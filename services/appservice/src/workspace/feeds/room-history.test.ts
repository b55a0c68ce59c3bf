import { recentlySentVia, type ReadOwn } from "./room-history";

const BOT = "@atrium:example.org";
const ROOM = "!room:example.org";

const page =
  (...chunk: Array<Record<string, unknown>>) =>
  async () => ({ chunk });
const encrypted = (sender: string, id: string) => ({
  event_id: id,
  sender,
  type: "m.room.encrypted",
  origin_server_ts: 1,
  content: { algorithm: "m.megolm.v1.aes-sha2", ciphertext: "…", session_id: "s" },
});

describe("recentlySentVia", () => {
  it("finds a plaintext message of the bot by its body", async () => {
    const sent = recentlySentVia(
      page({ event_id: "$1", sender: BOT, type: "m.room.message", content: { body: "Entry" } }),
      BOT,
    );
    await expect(sent(ROOM, "Entry")).resolves.toBe(true);
    await expect(sent(ROOM, "Another entry")).resolves.toBe(false);
  });

  it("reads the bot's own encrypted messages with its keys, so a resend in an encrypted room is not posted twice", async () => {
    const read: string[] = [];
    const readOwn: ReadOwn = async (e) => {
      read.push(`${e.room_id} ${e.event_id}`);
      return e.event_id === "$mine" ? { msgtype: "m.notice", body: "Entry" } : null;
    };
    const sent = recentlySentVia(
      page(encrypted("@mallory:example.org", "$other"), encrypted(BOT, "$mine")),
      BOT,
      readOwn,
    );
    await expect(sent(ROOM, "Entry")).resolves.toBe(true);
    // Only the bot's own events are decrypted, each with its room.
    expect(read).toEqual([`${ROOM} $mine`]);
    await expect(sent(ROOM, "Another entry")).resolves.toBe(false);
  });

  it("without encryption, says an encrypted message is not known rather than guessing", async () => {
    const sent = recentlySentVia(page(encrypted(BOT, "$mine")), BOT);
    await expect(sent(ROOM, "Entry")).resolves.toBe(false);
  });
});
