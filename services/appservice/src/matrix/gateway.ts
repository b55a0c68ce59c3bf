/**
 * The narrow view of the homeserver that handlers use: read state, write state, reply.
 * Implemented over the bridge's bot client; every call is retried where safe and honours
 * M_LIMIT_EXCEEDED's retry_after_ms.
 */
import { createHash } from "node:crypto";
import type { Intent } from "matrix-appservice-bridge";
import { withRetry } from "../util/retry";
import { errcodeOf, isTransientMatrixError } from "./errors";

type MatrixClient = Intent["matrixClient"];

export interface StateEvent {
  type: string;
  state_key: string;
  content: Record<string, unknown>;
  sender?: string;
  event_id?: string;
}

export interface MatrixGateway {
  readonly botUserId: string;
  getState(
    roomId: string,
    type: string,
    stateKey?: string,
  ): Promise<Record<string, unknown> | null>;
  roomState(roomId: string): Promise<StateEvent[]>;
  sendState(
    roomId: string,
    type: string,
    stateKey: string,
    content: Record<string, unknown>,
  ): Promise<string>;
  /** Sends an m.notice; `dedupeKey` makes a retried reply a no-op at the homeserver. */
  sendNotice(roomId: string, plain: string, html: string, dedupeKey?: string): Promise<void>;
  joinedMembers(roomId: string): Promise<string[]>;
  join(roomIdOrAlias: string): Promise<string>;
  leave(roomId: string): Promise<void>;
  /** Creates a room as the bot (`POST /createRoom` options); returns its id. */
  createRoom(options: Record<string, unknown>): Promise<string>;
  /** Resolves when the homeserver answers (GET /_matrix/client/versions). */
  ping(): Promise<void>;
  /** Reads the room's state from the homeserver again (a state cache drops what it held). */
  refresh?(roomId: string): Promise<void>;
  /**
   * Reads `userId`'s member event and the power levels from the homeserver again (two small
   * reads, not the whole room) and keeps them (a state cache confirms a refusal this way).
   */
  recheck?(roomId: string, userId: string): Promise<void>;
  /** Hears of a state event the appservice received (a state cache keeps itself current). */
  observe?(event: ObservedEvent): void;
}

/** A room event as the appservice receives it (the fields Atrium reads). */
export interface RoomEvent {
  event_id: string;
  room_id: string;
  sender: string;
  type: string;
  state_key?: string;
  content: Record<string, unknown>;
}

/** A state event the state cache hears of. */
export type ObservedEvent = RoomEvent;

/** Whether a transaction's event has the fields of a {@link RoomEvent}, typed as they must be. */
export function isRoomEvent(e: Record<string, unknown>): e is RoomEvent & Record<string, unknown> {
  return (
    typeof e.event_id === "string" &&
    typeof e.room_id === "string" &&
    typeof e.sender === "string" &&
    typeof e.type === "string" &&
    !!e.content &&
    typeof e.content === "object" &&
    !Array.isArray(e.content) &&
    (e.state_key === undefined || typeof e.state_key === "string")
  );
}

/** Sends any message content as the bot (see {@link BotSdkGateway.sendMessage}). */
export interface MessageSender {
  sendMessage(
    roomId: string,
    content: Record<string, unknown>,
    dedupeKey?: string,
  ): Promise<string>;
}

/**
 * Encrypts what the bot says in an encrypted room (matrix/crypto/index.ts). Every message the bot
 * sends goes through {@link BotSdkGateway.sendMessage}, which asks it first.
 */
export interface MessageEncryptor {
  /** The `m.room.encrypted` content for `content`, or null when the room is not encrypted. */
  encryptFor(
    roomId: string,
    type: string,
    content: Record<string, unknown>,
  ): Promise<Record<string, unknown> | null>;
}

const retry = <T>(fn: () => Promise<T>) => withRetry(fn, { retryable: isTransientMatrixError });

export class BotSdkGateway implements MatrixGateway, MessageSender {
  private encryptor: MessageEncryptor | null = null;

  constructor(
    private readonly client: MatrixClient,
    readonly botUserId: string,
  ) {}

  /** From now on, messages into encrypted rooms are encrypted by `encryptor`. */
  useEncryption(encryptor: MessageEncryptor): void {
    this.encryptor = encryptor;
  }

  async getState(
    roomId: string,
    type: string,
    stateKey = "",
  ): Promise<Record<string, unknown> | null> {
    try {
      return (await retry(() => this.client.getRoomStateEvent(roomId, type, stateKey))) as Record<
        string,
        unknown
      >;
    } catch (error: unknown) {
      if (errcodeOf(error) === "M_NOT_FOUND") return null;
      throw error;
    }
  }

  async roomState(roomId: string): Promise<StateEvent[]> {
    return (await retry(() => this.client.getRoomState(roomId))) as StateEvent[];
  }

  async sendState(
    roomId: string,
    type: string,
    stateKey: string,
    content: Record<string, unknown>,
  ): Promise<string> {
    return retry(() => this.client.sendStateEvent(roomId, type, stateKey, content));
  }

  async sendNotice(roomId: string, plain: string, html: string, dedupeKey?: string): Promise<void> {
    const content = {
      msgtype: "m.notice",
      body: plain,
      format: "org.matrix.custom.html",
      formatted_body: html,
    };
    await this.sendMessage(roomId, content, dedupeKey);
  }

  /**
   * Sends any `m.room.message` content (a notice, an edit with `m.new_content` and
   * `m.relates_to`); returns its event id. `dedupeKey` makes a retried send a no-op at the
   * homeserver (the same transaction id). Every message of the bot goes through here.
   */
  async sendMessage(
    roomId: string,
    content: Record<string, unknown>,
    dedupeKey?: string,
  ): Promise<string> {
    const txnId = dedupeKey
      ? "atrium-" + createHash("sha256").update(dedupeKey).digest("hex").slice(0, 32)
      : `atrium-${Date.now()}-${Math.random().toString(36).slice(2)}`;
    // Encrypted when the room is, with the same transaction id either way (a retry, or a
    // resend after a crash, is the same request).
    const encrypted = await this.encryptor?.encryptFor(roomId, "m.room.message", content);
    const type = encrypted ? "m.room.encrypted" : "m.room.message";
    const path = `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/send/${type}/${txnId}`;
    const answer = (await retry(() =>
      this.client.doRequest("PUT", path, null, encrypted ?? content),
    )) as { event_id?: unknown };
    return typeof answer?.event_id === "string" ? answer.event_id : "";
  }

  async joinedMembers(roomId: string): Promise<string[]> {
    return retry(() => this.client.getJoinedRoomMembers(roomId));
  }

  async join(roomIdOrAlias: string): Promise<string> {
    return retry(() => this.client.joinRoom(roomIdOrAlias));
  }

  async leave(roomId: string): Promise<void> {
    await retry(() => this.client.leaveRoom(roomId));
  }

  async createRoom(options: Record<string, unknown>): Promise<string> {
    // Not retried: a retry after a lost answer would make a second room (the alias query is
    // asked again by the homeserver instead).
    return this.client.createRoom(options);
  }

  async ping(): Promise<void> {
    await this.client.doRequest("GET", "/_matrix/client/versions");
  }

  /** Removes an alias the bot made; one already gone is fine. */
  async deleteAlias(alias: string): Promise<void> {
    try {
      await retry(() => this.client.deleteRoomAlias(alias));
    } catch (error: unknown) {
      if (errcodeOf(error) !== "M_NOT_FOUND") throw error;
    }
  }
}
