/**
 * Encrypted rooms, for real: an Element-equivalent user (matrix-js-sdk with its Rust crypto)
 * types commands in an encrypted room; the bot decrypts them, carries them out like any other
 * and answers encrypted. Its identity survives a crash, and a command sent with a new room key
 * while the appservice was down is carried out soon after it is back.
 */
import { readFileSync } from "node:fs";
import { widgetsIn } from "../appservice/fixtures";
import { useEncryptedRoom } from "./fixtures";

const w = useEncryptedRoom();

it("reads an encrypted `!pad notes`: the pad widget appears and the encrypted reply decrypts", async () => {
  const sent = Date.now();
  await w.alice.send(w.roomId, "!pad notes");
  const reply = await w.alice.waitForMessage(w.roomId, w.fromBot(/notes/));
  const answeredMs = Date.now() - sent;
  expect(reply).toMatchObject({ encrypted: true, failed: false, msgtype: "m.notice" });
  const widgets = [...(await widgetsIn(w.owner, w.roomId)).values()];
  expect(widgets.map((widget) => widget.name)).toContain("notes");
  // Nothing the bot said in this room went out in plaintext, and no "cannot read" notice.
  const raw = await w.owner.client.messages(w.roomId, 100);
  const plaintext = raw.filter(
    (e) => e.sender === w.stack.botUserId && e.type === "m.room.message",
  );
  expect(plaintext).toEqual([]);
  expect(
    raw.filter((e) => e.sender === w.stack.botUserId && e.type === "m.room.encrypted").length,
  ).toBeGreaterThan(0);
  console.log(`encrypted !pad answered in ${answeredMs} ms (first send into the room)`);
  const status = readFileSync(`/proc/${w.stack.atrium.pid}/status`, "utf8");
  const kib = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
  console.log(
    `appservice RSS with the crypto store open: ${Math.round(kib("VmRSS") / 1024)} MiB now, ${Math.round(kib("VmHWM") / 1024)} MiB peak`,
  );
});

it("keeps its identity across a SIGKILL: the same device keys, and commands after it work", async () => {
  const before = await w.alice.deviceKeys(w.stack.botUserId);
  expect(Object.keys(before)).toHaveLength(1);
  await w.stack.stopAppservice({ crash: true });
  await w.stack.restart();
  expect(await w.alice.deviceKeys(w.stack.botUserId)).toEqual(before);
  await w.alice.send(w.roomId, "!widgets");
  const reply = await w.alice.waitForMessage(w.roomId, w.fromBot(/Widgets Atrium placed here/));
  expect(reply).toMatchObject({ encrypted: true, failed: false });
  expect(reply.body).toMatch(/notes/);
});

it("carries out a command sent with a new room key while it was down, within 15 s of its restart", async () => {
  await w.stack.stopAppservice();
  // A new megolm session: its key goes to the bot's device while nothing of Atrium runs.
  await w.alice.client.getCrypto()!.forceDiscardSession(w.roomId);
  await w.alice.send(w.roomId, "!pad outage");
  const restarted = Date.now();
  await w.stack.restart();
  const reply = await w.alice.waitForMessage(w.roomId, w.fromBot(/outage/), 15_000);
  const tookMs = Date.now() - restarted;
  expect(reply).toMatchObject({ encrypted: true, failed: false });
  expect([...(await widgetsIn(w.owner, w.roomId)).values()].map((widget) => widget.name)).toContain(
    "outage",
  );
  expect(tookMs).toBeLessThan(15_000);
  console.log(`command sent during the outage carried out ${tookMs} ms after the restart began`);
});
