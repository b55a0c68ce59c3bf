import pino from "pino";
import { Registry } from "prom-client";
import { storePerTest } from "../../test-support/temp-store";
import { Inbound } from "./inbound";
import { createCryptoMetrics } from "./metrics";
import { ParkedEvents } from "./parking";
import type { Decryption, EncryptedEvent } from "./room-crypto";

const log = pino({ level: "silent" });
const ROOM = "!r:x";

function encrypted(id: string, session = "S1", sender = "@alice:x"): EncryptedEvent {
  return {
    event_id: id,
    room_id: ROOM,
    sender,
    type: "m.room.encrypted",
    content: { algorithm: "m.megolm.v1.aes-sha2", ciphertext: "c", session_id: session },
  };
}

const store = storePerTest();

/** Inbound over a real store, with a decryptor whose known sessions the test controls. */
function setup(opts: { limitSeconds?: number } = {}) {
  const known = new Set<string>();
  const notices: Array<{ room: string; text: string; key: string }> = [];
  let kicks = 0;
  let now = 1_000_000;
  const metrics = createCryptoMetrics(new Registry());
  const parked = new ParkedEvents(store().db);
  const inbound = new Inbound({
    room: {
      decrypt: async (e: EncryptedEvent): Promise<Decryption> => {
        const session = String(e.content.session_id);
        return known.has(session)
          ? { kind: "clear", event: { ...e, type: "m.room.message", content: { body: "!help" } } }
          : { kind: "missing-key", sessionId: session, reason: "missing_key" };
      },
    },
    parked,
    metrics,
    log,
    caughtUp: async () => undefined,
    notify: async (room, text, key) => void notices.push({ room, text, key }),
    kick: () => void kicks++,
    limitSeconds: opts.limitSeconds ?? 120,
    keyWaitMs: 1,
    now: () => now,
  });
  return {
    inbound,
    parked,
    known,
    notices,
    metrics,
    kicks: () => kicks,
    // The parking rows use the real clock; the pass compares against `now`.
    setNow: (ms: number) => void (now = ms),
  };
}

async function record(...events: EncryptedEvent[]) {
  await store().recordEvents("txn", events as unknown as Array<Record<string, unknown>>);
  const pending = await store().pendingEvents(100);
  for (const entry of pending) await store().markProcessed(entry.seq);
}

const sessionKey = (session: string) =>
  [{ roomId: { toString: () => ROOM }, sessionId: session }] as never;

describe("encrypted events whose key is missing", () => {
  it("are parked, then made pending again (in their room) when the key arrives", async () => {
    const t = setup();
    const event = encrypted("$a");
    await record(event);
    expect(await t.inbound.open(event, log)).toEqual({ kind: "parked" });
    expect(await t.parked.isWaiting("$a")).toBe(true);
    expect(await t.parked.countWaiting()).toBe(1);

    t.known.add("S1");
    await t.inbound.onRoomKeys(sessionKey("S1"));
    expect(t.kicks()).toBe(1);
    const pending = await store().pendingEvents(10);
    expect(pending.map((p) => p.eventId)).toEqual(["$a"]);
    // Taken up again: decrypted now, and no longer waiting.
    const opened = await t.inbound.open(event, log);
    expect(opened.kind).toBe("clear");
    expect(await t.parked.isWaiting("$a")).toBe(false);
    expect(await t.parked.countWaiting()).toBe(0);
  });

  it("a key for another session leaves them parked", async () => {
    const t = setup();
    const event = encrypted("$b", "S2");
    await record(event);
    await t.inbound.open(event, log);
    await t.inbound.onRoomKeys(sessionKey("S9"));
    expect(await store().pendingEvents(10)).toEqual([]);
    expect(await t.parked.isWaiting("$b")).toBe(true);
  });

  it("after the limit, the room is told once per sender and session, and the events are given up", async () => {
    const t = setup({ limitSeconds: 60 });
    const first = encrypted("$c1", "S3");
    const second = encrypted("$c2", "S3");
    const other = encrypted("$d", "S4", "@bob:x");
    await record(first, second, other);
    for (const e of [first, second, other]) await t.inbound.open(e, log);
    t.setNow(Date.now() + 61_000);
    await t.inbound.sweep(false);
    expect(t.notices.map((n) => n.key).sort()).toEqual([
      `undecryptable:${ROOM}:@alice:x:S3`,
      `undecryptable:${ROOM}:@bob:x:S4`,
    ]);
    expect(t.notices[0]?.text).toMatch(/could not read a message .* send it again/);
    expect(await t.parked.countWaiting()).toBe(0);
    // Another message of the same session, parked later and expired: no second notice.
    const third = encrypted("$c3", "S3");
    await record(third);
    await t.inbound.open(third, log);
    t.setNow(Date.now() + 61_000);
    await t.inbound.sweep(false);
    expect(t.notices).toHaveLength(2);
    // A key arriving after it was given up does not run it.
    t.known.add("S3");
    expect(await t.inbound.open(first, log)).toEqual({ kind: "refused", reason: "expired" });
  });

  it("at start, every waiting event gets one more try", async () => {
    const t = setup();
    const event = encrypted("$e", "S5");
    await record(event);
    await t.inbound.open(event, log);
    await t.inbound.sweep(true);
    expect((await store().pendingEvents(10)).map((p) => p.eventId)).toEqual(["$e"]);
  });
});
