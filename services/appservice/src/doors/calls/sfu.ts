/**
 * Atrium's side of the LiveKit SFU, through `livekit-server-sdk`: mints join tokens, creates
 * rooms (the SFU runs with `room.auto_create: false`, so only Atrium opens a call) and removes
 * participants through the RoomService API (Twirp over HTTP, signed with the API key).
 *
 * Token grants follow MSC4195 "Access token properties" and lk-jwt-service's `get_join_token`
 * (`src/handler.rs`): `roomJoin` true, `roomCreate` false (it would also let the holder delete
 * any room), `canPublish` for local users only, `canSubscribe` true, `canUpdateOwnMetadata`
 * false, `hidden` false, never `roomAdmin`; one room, one identity, a short lifetime.
 */
import { AccessToken, RoomServiceClient, WebhookReceiver } from "livekit-server-sdk";
import type { EnabledCallsConfig } from "./config";

/** What the token endpoints and the removal worker need from the SFU. */
export interface Sfu {
  /** The websocket URL clients connect to. */
  readonly url: string;
  mintToken(o: {
    room: string;
    identity: string;
    name?: string;
    canPublish: boolean;
  }): Promise<string>;
  /** Creates the LiveKit room unless it exists (CreateRoom is idempotent in LiveKit). */
  ensureRoom(room: string): Promise<void>;
  /** Removes a participant; resolves `gone` when the SFU did not know it (already left). */
  removeParticipant(room: string, identity: string): Promise<"removed" | "gone">;
}

/** Seconds an empty LiveKit room stays open after creation or after the last one left. */
const EMPTY_TIMEOUT_SECONDS = 5 * 60;
const DEPARTURE_TIMEOUT_SECONDS = 20;
/**
 * A room created less than this ago is not created again: when a call starts, its members ask
 * at once, and one CreateRoom is enough. Far below EMPTY_TIMEOUT_SECONDS, so the room still
 * exists when the member connects even if nobody joined yet.
 */
const ROOM_REUSE_MS = 30_000;

/** The status and Twirp code of a failed RoomService call, if it carries them. */
export function twirpFailure(error: unknown): { status?: number; code?: string } {
  const e = error as { status?: unknown; code?: unknown } | null;
  return {
    ...(typeof e?.status === "number" ? { status: e.status } : {}),
    ...(typeof e?.code === "string" ? { code: e.code } : {}),
  };
}

/** The real SFU of a deployment (or the tests' stand-in of its HTTP API). */
export function livekitSfu(config: EnabledCallsConfig, now: () => number = Date.now): Sfu {
  const { url, apiUrl, apiKey, apiSecret } = config.livekit;
  // requestTimeout in seconds: a removal is retried anyway, a token request must not hang.
  const rooms = new RoomServiceClient(apiUrl, apiKey, apiSecret, { requestTimeout: 5 });
  const created = new Map<string, { at: number; done: Promise<void> }>();
  return {
    url,
    async mintToken({ room, identity, name, canPublish }) {
      const token = new AccessToken(apiKey, apiSecret, {
        identity,
        ...(name ? { name } : {}),
        ttl: config.tokenTtlSeconds,
      });
      token.addGrant({
        room,
        roomJoin: true,
        roomCreate: false,
        roomAdmin: false,
        canPublish,
        canSubscribe: true,
        canPublishData: canPublish,
        canUpdateOwnMetadata: false,
        hidden: false,
      });
      // The SDK sets nbf to now (MSC4195: token revocation compares against it).
      return token.toJwt();
    },
    async ensureRoom(room) {
      const recent = created.get(room);
      if (recent && now() - recent.at < ROOM_REUSE_MS) return recent.done;
      const done = rooms
        .createRoom({
          name: room,
          emptyTimeout: EMPTY_TIMEOUT_SECONDS,
          departureTimeout: DEPARTURE_TIMEOUT_SECONDS,
        })
        .then(() => undefined);
      created.set(room, { at: now(), done });
      if (created.size > 10_000) created.delete(created.keys().next().value as string);
      // A failed creation is not remembered: the next request tries again.
      done.catch(() => created.delete(room));
      return done;
    },
    async removeParticipant(room, identity) {
      try {
        // revokeTokenTs: an SFU that supports revocation also refuses the tokens minted before
        // now, so the removed member cannot reconnect with the one they hold.
        await rooms.removeParticipant(room, identity, {
          revokeTokenTs: BigInt(Math.floor(now() / 1000)),
        });
        return "removed";
      } catch (error: unknown) {
        const { status, code } = twirpFailure(error);
        if (status === 404 || code === "not_found") return "gone";
        throw error;
      }
    },
  };
}

/** Verifies a LiveKit webhook (its `Authorization` JWT signs the body's SHA-256). */
export function webhookReceiver(config: EnabledCallsConfig): WebhookReceiver {
  return new WebhookReceiver(config.livekit.apiKey, config.livekit.apiSecret);
}
