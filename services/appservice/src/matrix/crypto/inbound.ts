/**
 * Encrypted events on their way to the processor: decrypted when their key is here; otherwise
 * given a moment for a key in flight, then parked durably and taken up again when the key
 * arrives (`registerRoomKeyUpdatedCallback`). After the limit the room is told, encrypted,
 * once per sender and session, that the bot could not read a message and how to get it through.
 */
import type * as sdk from "@matrix-org/matrix-sdk-crypto-wasm";
import type { Logger } from "pino";
import type { CryptoMetrics } from "./metrics";
import type { ParkedEvents, ParkedRow } from "./parking";
import type { EncryptedEvent, RoomCrypto } from "./room-crypto";

/** What the processor gets for an encrypted event. */
export type Opened =
  | { kind: "clear"; event: EncryptedEvent }
  | { kind: "parked" }
  | { kind: "refused"; reason: string };

export interface InboundDeps {
  room: Pick<RoomCrypto, "decrypt">;
  parked: ParkedEvents;
  metrics: CryptoMetrics;
  log: Logger;
  /** Resolves once the key stream delivered what waited while Atrium was down. */
  caughtUp: () => Promise<void>;
  /** Says something in a room (encrypted there): the "could not read" notice. */
  notify: (roomId: string, plain: string, dedupeKey: string) => Promise<void>;
  /** Wakes the processor after parked events were made pending again. */
  kick: () => void;
  /** Seconds before an event whose key never came is given up and the room told. */
  limitSeconds: number;
  /** How long an event waits in its lane for a key in flight, ms. Default 2000. */
  keyWaitMs?: number;
  now?: () => number;
}

const CAUGHT_UP_WAIT_MS = 10_000;

export class Inbound {
  /** `room\0session` → lanes waiting for that key. */
  private readonly waiters = new Map<string, Array<() => void>>();
  /** Sessions whose key arrived since the last sweep (their parked events are taken up). */
  private arrived = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private sweeping: Promise<void> | null = null;

  constructor(private readonly deps: InboundDeps) {}

  private now(): number {
    return this.deps.now?.() ?? Date.now();
  }

  /** Decrypts, or parks until the key comes. */
  async open(event: EncryptedEvent, log: Logger): Promise<Opened> {
    const { parked, room } = this.deps;
    if (await parked.isExpired(event.event_id)) return { kind: "refused", reason: "expired" };
    let result = await room.decrypt(event);
    if (result.kind === "missing-key") {
      await withTimeout(this.deps.caughtUp(), CAUGHT_UP_WAIT_MS);
      result = await room.decrypt(event);
    }
    if (result.kind === "missing-key") {
      await this.keyArrival(event.room_id, result.sessionId, this.deps.keyWaitMs ?? 2000);
      result = await room.decrypt(event);
    }
    if (result.kind === "missing-key") {
      await parked.park({
        event_id: event.event_id,
        room_id: event.room_id,
        sender: event.sender,
        session_id: result.sessionId,
      });
      // The key may have come while the event was being parked.
      result = await room.decrypt(event);
      if (result.kind === "missing-key") {
        this.deps.metrics.parkedOutcomes.inc({ outcome: "parked" });
        await this.updateGauge();
        log.info({ reason: result.reason }, "encrypted event parked until its room key arrives");
        return { kind: "parked" };
      }
    }
    if (result.kind === "refused") {
      log.warn({ reason: result.reason }, "refused an encrypted event the bot cannot decrypt");
      return result;
    }
    if (result.event.type === "m.room.encrypted") return { kind: "refused", reason: "nested" };
    if (await parked.isWaiting(event.event_id)) {
      await parked.markDecrypted(event.event_id);
      this.deps.metrics.parkedOutcomes.inc({ outcome: "decrypted" });
      await this.updateGauge();
      log.info("a parked encrypted event is decrypted now that its key arrived");
    }
    return result;
  }

  /** The machine stored room keys: wake lanes waiting for them, take parked events up. */
  async onRoomKeys(infos: sdk.RoomKeyInfo[]): Promise<void> {
    const sessions: Array<[string, string]> = [];
    for (const info of infos) {
      const roomId = info.roomId.toString();
      sessions.push([roomId, info.sessionId]);
      const key = `${roomId}\0${info.sessionId}`;
      this.arrived.add(key);
      for (const wake of this.waiters.get(key) ?? []) wake();
      this.waiters.delete(key);
    }
    let requeued = 0;
    for (const [roomId, sessionId] of sessions) {
      for (const eventId of await this.deps.parked.waitingFor(roomId, sessionId)) {
        await this.deps.parked.requeue(eventId);
        requeued++;
      }
    }
    if (requeued > 0) this.deps.kick();
  }

  private keyArrival(roomId: string, sessionId: string, ms: number): Promise<void> {
    const key = `${roomId}\0${sessionId}`;
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      const list = this.waiters.get(key) ?? [];
      list.push(() => {
        clearTimeout(timer);
        resolve();
      });
      this.waiters.set(key, list);
    });
  }

  /** Starts the periodic pass: parked events taken up and expired ones told. */
  start(): void {
    const every = Math.max(1000, Math.min(10_000, (this.deps.limitSeconds * 1000) / 4));
    // At start, every waiting event gets one more try (its key may have come before a crash).
    void this.deps
      .caughtUp()
      .then(() => this.sweep(true))
      .catch(() => undefined);
    this.timer = setInterval(() => void this.sweep(false), every);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.sweeping;
  }

  /** One pass (exported for tests through `start`). */
  sweep(all: boolean): Promise<void> {
    this.sweeping ??= this.sweepNow(all)
      .catch((error: unknown) => this.deps.log.error({ err: error }, "parked events pass failed"))
      .finally(() => (this.sweeping = null));
    return this.sweeping;
  }

  private async sweepNow(all: boolean): Promise<void> {
    const arrived = this.arrived;
    this.arrived = new Set();
    const limitMs = this.deps.limitSeconds * 1000;
    let requeued = 0;
    const told = new Set<string>();
    for (const row of await this.deps.parked.waiting()) {
      if (this.now() - row.parked_at >= limitMs) {
        const group = `${row.room_id}\0${row.sender}\0${row.session_id}`;
        if (!told.has(group)) {
          told.add(group);
          await this.expire(row);
        }
      } else if (all || arrived.has(`${row.room_id}\0${row.session_id}`)) {
        await this.deps.parked.requeue(row.event_id);
        requeued++;
      }
    }
    if (requeued > 0) this.deps.kick();
    await this.updateGauge();
  }

  /** Tells the room (once per sender and session; the dedupe key makes a resend a no-op). */
  private async expire(row: ParkedRow): Promise<void> {
    const log = this.deps.log.child({ room_id: row.room_id, event_id: row.event_id });
    if (!(await this.deps.parked.told(row))) {
      log.warn("an encrypted message's key never came; telling the room");
      const plain =
        `I could not read a message ${row.sender} sent here: its encryption key did not reach me. ` +
        "If it was a command for me, please send it again. (If this keeps happening, the sending " +
        "app may be set to share keys only with verified devices.)";
      await this.deps.notify(
        row.room_id,
        plain,
        `undecryptable:${row.room_id}:${row.sender}:${row.session_id}`,
      );
    }
    await this.deps.parked.expire(row);
    this.deps.metrics.parkedOutcomes.inc({ outcome: "expired" });
  }

  private async updateGauge(): Promise<void> {
    this.deps.metrics.parked.set(await this.deps.parked.countWaiting());
  }
}

async function withTimeout(promise: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    promise,
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
    }),
  ]);
  clearTimeout(timer);
}
