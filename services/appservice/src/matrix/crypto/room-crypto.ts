/**
 * Room events in and out: decrypts `m.room.encrypted` events for the event processor, and
 * encrypts what the bot says in an encrypted room (sharing the room key first with the devices
 * of the members the room's history visibility includes; the SDK rotates the session when a
 * member left). Nothing of a message's content is logged.
 */
import * as sdk from "@matrix-org/matrix-sdk-crypto-wasm";
import type { Logger } from "pino";
import type { StateEvent } from "../gateway";
import type { CryptoMetrics } from "./metrics";
import type { OutgoingRequests } from "./outgoing";

export const MEGOLM = "m.megolm.v1.aes-sha2";

/** An encrypted room event as the processor has it. */
export interface EncryptedEvent {
  event_id: string;
  room_id: string;
  sender: string;
  type: string;
  content: Record<string, unknown>;
  origin_server_ts?: unknown;
  [key: string]: unknown;
}

export type Decryption =
  | { kind: "clear"; event: EncryptedEvent }
  /** The key has not arrived (yet): the event can wait for it. */
  | { kind: "missing-key"; sessionId: string; reason: "missing_key" | "unknown_index" }
  /** Never readable: refused with a reason (malformed, unknown_algorithm, mismatched_sender, …). */
  | { kind: "refused"; reason: string };

const DECRYPTION_REASONS: Record<number, string> = {
  [sdk.DecryptionErrorCode.MissingRoomKey]: "missing_key",
  [sdk.DecryptionErrorCode.UnknownMessageIndex]: "unknown_index",
  [sdk.DecryptionErrorCode.MismatchedIdentityKeys]: "mismatched_identity",
  [sdk.DecryptionErrorCode.UnknownSenderDevice]: "unknown_sender_device",
  [sdk.DecryptionErrorCode.UnsignedSenderDevice]: "unsigned_sender_device",
  [sdk.DecryptionErrorCode.SenderIdentityVerificationViolation]: "identity_violation",
  [sdk.DecryptionErrorCode.UnableToDecrypt]: "other",
  [sdk.DecryptionErrorCode.MismatchedSender]: "mismatched_sender",
};

const VISIBILITY: Record<string, sdk.HistoryVisibility> = {
  invited: sdk.HistoryVisibility.Invited,
  joined: sdk.HistoryVisibility.Joined,
  shared: sdk.HistoryVisibility.Shared,
  world_readable: sdk.HistoryVisibility.WorldReadable,
};

export interface RoomCryptoDeps {
  machine: sdk.OlmMachine;
  outgoing: OutgoingRequests;
  metrics: CryptoMetrics;
  log: Logger;
}

export class RoomCrypto {
  /** Per room, the send in progress: key sharing and encryption of one room never interleave. */
  private readonly rooms = new Map<string, Promise<unknown>>();
  /** `user\0curve25519 key` pairs already found among the user's devices. */
  private readonly owned = new Set<string>();

  constructor(private readonly deps: RoomCryptoDeps) {}

  /** Decrypts an `m.room.encrypted` event; says why when it cannot. */
  async decrypt(event: EncryptedEvent): Promise<Decryption> {
    const { content } = event;
    if (content.algorithm !== MEGOLM) return this.refuse("unknown_algorithm");
    if (typeof content.ciphertext !== "string" || typeof content.session_id !== "string") {
      return this.refuse("malformed");
    }
    const sessionId = content.session_id;
    const timer = this.deps.metrics.decryptSeconds.startTimer();
    try {
      const settings = new sdk.DecryptionSettings(sdk.TrustRequirement.Untrusted);
      const decrypted = await this.deps.machine.decryptRoomEvent(
        JSON.stringify(event),
        new sdk.RoomId(event.room_id),
        settings,
      );
      // The session must come from a device of the event's sender: otherwise someone replays
      // another user's ciphertext as their own (the SDK does not check it for unknown devices).
      if (!(await this.senderOwns(event.sender, decrypted.senderCurve25519Key))) {
        return this.refuse("mismatched_sender");
      }
      const clear = JSON.parse(decrypted.event) as { type?: unknown; content?: unknown };
      if (typeof clear.type !== "string" || !clear.content || typeof clear.content !== "object") {
        return this.refuse("malformed");
      }
      this.deps.metrics.decrypted.inc();
      return {
        kind: "clear",
        event: { ...event, type: clear.type, content: clear.content as Record<string, unknown> },
      };
    } catch (error: unknown) {
      if (error instanceof sdk.MegolmDecryptionError) {
        const reason = DECRYPTION_REASONS[error.code] ?? "other";
        this.deps.metrics.decryptFailures.inc({ reason });
        if (reason === "missing_key" || reason === "unknown_index") {
          return { kind: "missing-key", sessionId, reason };
        }
        return { kind: "refused", reason };
      }
      // The SDK could not even read the event (bad base64, a broken ciphertext).
      return this.refuse("malformed");
    } finally {
      timer();
    }
  }

  /** Whether `key` (Curve25519) is one of `userId`'s devices (their keys queried if need be). */
  private async senderOwns(userId: string, key: string): Promise<boolean> {
    const pair = `${userId}\0${key}`;
    if (this.owned.has(pair)) return true;
    const { machine, outgoing } = this.deps;
    await machine.updateTrackedUsers([new sdk.UserId(userId)]);
    await outgoing.flush();
    const devices = await machine.getUserDevices(new sdk.UserId(userId), 10);
    const found = devices.devices().some((d) => d.curve25519Key?.toBase64() === key);
    if (found) this.owned.add(pair);
    return found;
  }

  private refuse(reason: string): Decryption {
    this.deps.metrics.decryptFailures.inc({ reason });
    return { kind: "refused", reason };
  }

  /**
   * Encrypts `content` for `roomId`, after sharing the room key with the devices of `state`'s
   * members the room's history visibility includes. Returns the `m.room.encrypted` content.
   */
  async encrypt(
    roomId: string,
    type: string,
    content: Record<string, unknown>,
    state: StateEvent[],
  ): Promise<Record<string, unknown>> {
    const previous = this.rooms.get(roomId) ?? Promise.resolve();
    const run = previous
      .catch(() => undefined)
      .then(() => this.encryptNow(roomId, type, content, state));
    this.rooms.set(roomId, run);
    try {
      return await run;
    } finally {
      if (this.rooms.get(roomId) === run) this.rooms.delete(roomId);
    }
  }

  private async encryptNow(
    roomId: string,
    type: string,
    content: Record<string, unknown>,
    state: StateEvent[],
  ): Promise<Record<string, unknown>> {
    const { machine, outgoing, metrics } = this.deps;
    const timer = metrics.encryptSeconds.startTimer();
    try {
      const visibility = stateContent(state, "m.room.history_visibility").history_visibility;
      const hv = VISIBILITY[typeof visibility === "string" ? visibility : "shared"];
      const members = recipients(state, hv ?? sdk.HistoryVisibility.Shared);
      // The wasm bindings take ownership of UserIds passed in arrays: a new array every call.
      const users = () => members.map((u) => new sdk.UserId(u));
      await machine.updateTrackedUsers(users());
      await outgoing.flush(); // keys queries for members not tracked before
      const claim = await machine.getMissingSessions(users());
      if (claim) await outgoing.sendAndMark(claim);
      const settings = encryptionSettings(stateContent(state, "m.room.encryption"), hv);
      const shares = await machine.shareRoomKey(new sdk.RoomId(roomId), users(), settings);
      for (const request of shares) await outgoing.sendAndMark(request);
      const encrypted = await machine.encryptRoomEvent(
        new sdk.RoomId(roomId),
        type,
        JSON.stringify(content),
      );
      metrics.encryptedSends.inc({ result: "ok" });
      return JSON.parse(encrypted) as Record<string, unknown>;
    } catch (error: unknown) {
      metrics.encryptedSends.inc({ result: "error" });
      throw error;
    } finally {
      timer();
    }
  }
}

function stateContent(state: StateEvent[], type: string): Record<string, unknown> {
  return state.find((e) => e.type === type && e.state_key === "")?.content ?? {};
}

/** Joined members, and invited ones unless only joined members may read history. */
function recipients(state: StateEvent[], hv: sdk.HistoryVisibility): string[] {
  const wanted = hv === sdk.HistoryVisibility.Joined ? ["join"] : ["join", "invite"];
  return state
    .filter(
      (e) =>
        e.type === "m.room.member" &&
        typeof e.state_key === "string" &&
        wanted.includes(String(e.content.membership)),
    )
    .map((e) => e.state_key)
    .filter((userId) => {
      try {
        new sdk.UserId(userId).free();
        return true;
      } catch {
        return false;
      }
    });
}

function encryptionSettings(
  encryption: Record<string, unknown>,
  hv: sdk.HistoryVisibility | undefined,
): sdk.EncryptionSettings {
  const settings = new sdk.EncryptionSettings();
  settings.algorithm = sdk.EncryptionAlgorithm.MegolmV1AesSha2;
  settings.historyVisibility = hv ?? sdk.HistoryVisibility.Shared;
  // Every device of every member (unverified ones too), as Element does by default.
  settings.sharingStrategy = sdk.CollectStrategy.allDevices();
  const periodMs = encryption.rotation_period_ms;
  if (typeof periodMs === "number" && periodMs > 0) {
    settings.rotationPeriod = BigInt(Math.round(periodMs * 1000));
  }
  const periodMsgs = encryption.rotation_period_msgs;
  if (typeof periodMsgs === "number" && periodMsgs > 0) {
    settings.rotationPeriodMessages = BigInt(Math.round(periodMsgs));
  }
  return settings;
}
