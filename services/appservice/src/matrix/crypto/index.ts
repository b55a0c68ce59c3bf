/**
 * The bot's end-to-end encryption, put together: its device and durable store (device.ts), the
 * key stream (keys-stream.ts), decryption with parking for the event processor (inbound.ts)
 * and encryption for everything the bot says in an encrypted room (room-crypto.ts).
 */
import type { Kysely } from "kysely";
import type { Logger } from "pino";
import type { Registry } from "prom-client";
import type { MatrixGateway, MessageEncryptor } from "../gateway";
import type { Database } from "../../store/schema";
import { openDevice, type OpenDeviceOptions } from "./device";
import { Inbound, type Opened } from "./inbound";
import { KeysStream } from "./keys-stream";
import { createCryptoMetrics } from "./metrics";
import { ParkedEvents } from "./parking";
import { RoomCrypto, type EncryptedEvent } from "./room-crypto";

export type { Opened } from "./inbound";

/** The device's options (`resetCrossSigning`: the store was moved aside by a reset), and: */
export interface BotCryptoOptions extends OpenDeviceOptions {
  /** Seconds an undecryptable event waits for its key before the room is told. */
  limitSeconds: number;
  db: Kysely<Database>;
  registry: Registry;
}

/** What the rest of Atrium uses. */
export interface BotCrypto extends MessageEncryptor {
  readonly deviceId: string;
  readonly identityKey: string;
  /** For the processor: an `m.room.encrypted` event decrypted, parked or refused. */
  open(event: EncryptedEvent, log: Logger): Promise<Opened>;
  /**
   * The clear content of an `m.room.encrypted` event the bot itself sent (it keeps the keys of
   * its own sessions), or null: how a feed entry resent after a crash finds its first send.
   */
  readOwn(event: EncryptedEvent): Promise<Record<string, unknown> | null>;
  /** Starts the key stream and the parked events' pass; `gateway` speaks (encrypted). */
  start(deps: { gateway: Pick<MatrixGateway, "sendNotice" | "roomState">; kick: () => void }): void;
  /** Throws unless the store is open and the key stream runs (for /ready). */
  check(): Promise<void>;
  /** Store open time and records replayed (for the bench and the log). */
  readonly stats: { openMs: number; replayedRecords: number };
  stop(): Promise<void>;
}

/** How often the crypto store's consistent copy (what backups archive) is renewed. */
const SNAPSHOT_MS = 10 * 60 * 1000;

/** Where the consistent copy of the crypto store is kept (infra's backup archives this file). */
export function snapshotPathOf(storePath: string): string {
  return `${storePath}.snapshot`;
}

/** Opens the store and the device; the start fails with a StartupError naming the remedy. */
export async function openBotCrypto(o: BotCryptoOptions): Promise<BotCrypto> {
  const metrics = createCryptoMetrics(o.registry);
  const device = await openDevice({ ...o, log: o.log });
  const { machine, durable } = device;
  const room = new RoomCrypto({ machine, outgoing: device.outgoing, metrics, log: o.log });
  const keys = new KeysStream({ ...device, metrics, log: o.log.child({ part: "keys" }) });
  const late: { gateway?: Pick<MatrixGateway, "sendNotice" | "roomState">; kick?: () => void } = {};
  const inbound = new Inbound({
    room,
    parked: new ParkedEvents(o.db),
    metrics,
    log: o.log,
    caughtUp: () => keys.caughtUp(),
    notify: async (roomId, plain, key) => {
      await late.gateway?.sendNotice(roomId, plain, plain, key);
    },
    kick: () => late.kick?.(),
    limitSeconds: o.limitSeconds,
  });
  machine.registerRoomKeyUpdatedCallback((infos) => inbound.onRoomKeys(infos));
  let stopped = false;
  // Backups archive this copy, never the live file: a checkpoint may be emptying its WAL.
  const snapshot = () => {
    try {
      durable.snapshot(snapshotPathOf(o.storePath));
    } catch (error: unknown) {
      o.log.warn({ err: error }, "could not renew the crypto store's copy for backups");
    }
  };
  snapshot();
  const snapshots = setInterval(snapshot, SNAPSHOT_MS);
  snapshots.unref();
  o.log.info(
    {
      device_id: device.deviceId,
      created: device.created,
      open_ms: durable.stats.openMs,
      replayed_records: durable.stats.replayedRecords,
    },
    device.created ? "the bot's device was created" : "the bot's device is ready",
  );
  return {
    deviceId: device.deviceId,
    identityKey: machine.identityKeys.ed25519.toBase64(),
    stats: { openMs: durable.stats.openMs, replayedRecords: durable.stats.replayedRecords },
    open: (event, log) => inbound.open(event, log),
    async readOwn(event) {
      if (event.sender !== o.botUserId) return null;
      const result = await room.decrypt(event);
      return result.kind === "clear" ? result.event.content : null;
    },
    async encryptFor(roomId, type, content) {
      const gateway = late.gateway;
      if (!gateway) throw new Error("encryption is not started yet");
      const state = await gateway.roomState(roomId);
      if (!state.some((e) => e.type === "m.room.encryption" && e.state_key === "")) return null;
      return room.encrypt(roomId, type, content, state);
    },
    start(deps) {
      late.gateway = deps.gateway;
      late.kick = deps.kick;
      keys.start();
      inbound.start();
    },
    async check() {
      if (stopped) throw new Error("the crypto store is closed");
      if (keys.lagSeconds > 120) {
        throw new Error(`the key stream has not completed a batch for ${keys.lagSeconds} s`);
      }
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(snapshots);
      await keys.stop();
      await inbound.stop();
      snapshot();
      device.meta.close();
      machine.close();
      await durable.close();
    },
  };
}
