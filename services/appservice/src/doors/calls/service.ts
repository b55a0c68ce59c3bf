/**
 * Atrium as the MatrixRTC authorisation service: turns a member's identity into a LiveKit token
 * for that room's call only, and removes their participants from the SFU when they leave.
 *
 * Two doors, one rule ({@link admitToCall}):
 * - MSC4195 through the homeserver: Synapse (MSC4512 proxy) forwards the client's
 *   `POST /_matrix/client/{v1|unstable/io.element.msc4195}/rtc/livekit/get_token` with the
 *   user in `X-Matrix-User-Identifier`; body `{room_id, slot_id, member_id, url, server_name?}`;
 *   answer `{jwt}` (MSC4195; Atrium adds `url`).
 * - Legacy (`rtc_foci` `livekit_service_url`): `POST …/sfu/get` with
 *   `{room, openid_token: {access_token, matrix_server_name, …}, device_id}`; answer
 *   `{url, jwt}` (lk-jwt-service `src/requests.rs` `LegacySfuRequest`, `SfuResponse`).
 */
import type { Logger } from "pino";
import type { WebhookEvent } from "livekit-server-sdk";
import { AccessError, badRequest } from "../../matrix/access-error";
import type { OpenIdVerifier } from "../pages/openid";
import type { EnabledCallsConfig } from "./config";
import { legacyLivekitIdentity, livekitIdentity, livekitRoomName, ROOM_CALL_SLOT } from "./naming";
import { admitToCall, type CallPolicyDeps } from "./policy";
import type { CallStore } from "./store";
import type { Sfu } from "./sfu";

export interface CallServiceDeps {
  calls: EnabledCallsConfig;
  policy: CallPolicyDeps;
  openid: Pick<OpenIdVerifier, "verify">;
  sfu: Sfu;
  store: CallStore;
  /** Called after removals were queued (the worker's kick). */
  removalsQueued: () => void;
  log: Logger;
}

export interface TokenAnswer {
  url: string;
  jwt: string;
}

function field(body: unknown, key: string, max = 255): string {
  const value = (body as Record<string, unknown> | null)?.[key];
  if (typeof value !== "string" || value.length === 0 || value.length > max) {
    throw badRequest(`The request body needs \`${key}\` (a non-empty string).`);
  }
  return value;
}

const trimSlash = (u: string) => u.replace(/\/+$/, "");

export class CallService {
  constructor(private readonly deps: CallServiceDeps) {}

  /** MSC4195 `get_token`, for `userId` as the homeserver vouched. */
  async homeserverToken(userId: string, body: unknown): Promise<TokenAnswer> {
    const roomId = field(body, "room_id");
    const slotId = field(body, "slot_id");
    const memberId = field(body, "member_id");
    const serverName = (body as { server_name?: unknown }).server_name;
    if (serverName !== undefined && serverName !== this.deps.policy.localServer) {
      throw new AccessError(
        400,
        "M_INVALID_PARAM",
        `Atrium issues tokens for ${this.deps.policy.localServer}'s SFU only; relaying to ${String(serverName)} is not supported.`,
      );
    }
    const url = (body as { url?: unknown }).url;
    if (
      url !== undefined &&
      (typeof url !== "string" || trimSlash(url) !== trimSlash(this.deps.sfu.url))
    ) {
      throw new AccessError(
        400,
        "M_INVALID_PARAM",
        `\`url\` must be this server's SFU, ${this.deps.sfu.url} (as /rtc/transports lists it).`,
      );
    }
    return this.grant({
      roomId,
      userId,
      livekitRoom: livekitRoomName(roomId, slotId),
      identity: livekitIdentity(userId, memberId),
    });
  }

  /** The legacy `/sfu/get`: the OpenID token names the user, then the same rule applies. */
  async legacyToken(body: unknown): Promise<TokenAnswer> {
    const roomId = field(body, "room");
    const deviceId = field(body, "device_id");
    const openid = (body as { openid_token?: unknown }).openid_token as
      { access_token?: unknown; matrix_server_name?: unknown } | undefined;
    if (!openid || typeof openid !== "object") {
      throw badRequest("The request body needs `openid_token` (from /openid/request_token).");
    }
    const userId = await this.deps.openid.verify({
      access_token: openid.access_token as string,
      ...(typeof openid.matrix_server_name === "string"
        ? { matrix_server_name: openid.matrix_server_name }
        : {}),
    });
    return this.grant({
      roomId,
      userId,
      livekitRoom: livekitRoomName(roomId, ROOM_CALL_SLOT),
      identity: legacyLivekitIdentity(userId, deviceId),
    });
  }

  private async grant(g: {
    roomId: string;
    userId: string;
    livekitRoom: string;
    identity: string;
  }): Promise<TokenAnswer> {
    const admission = await admitToCall(this.deps.policy, g.roomId, g.userId);
    // Created only now, for a room whose member was admitted (the SFU never auto-creates).
    await this.deps.sfu.ensureRoom(g.livekitRoom);
    await this.deps.store.recordGrant({
      livekit_room: g.livekitRoom,
      identity: g.identity,
      room_id: g.roomId,
      user_id: g.userId,
    });
    const jwt = await this.deps.sfu.mintToken({
      room: g.livekitRoom,
      identity: g.identity,
      ...(admission.displayName ? { name: admission.displayName } : {}),
      canPublish: admission.local,
    });
    this.deps.log.info({ room_id: g.roomId, user: g.userId }, "issued a call token");
    return { url: this.deps.sfu.url, jwt };
  }

  /**
   * A member left, was kicked or banned: every participant Atrium admitted them as in this
   * room's calls is queued for removal (durably, before the event counts as processed).
   */
  async memberGone(roomId: string, userId: string, reason: string): Promise<number> {
    const grants = await this.deps.store.grantsOf(roomId, userId);
    for (const g of grants) {
      await this.deps.store.enqueueRemoval({
        livekit_room: g.livekit_room,
        identity: g.identity,
        room_id: roomId,
        user_id: userId,
        reason,
      });
    }
    if (grants.length) {
      this.deps.log.info(
        { room_id: roomId, user: userId, reason, participants: grants.length },
        "queued call removals",
      );
      this.deps.removalsQueued();
    }
    return grants.length;
  }

  /**
   * An SFU webhook (already verified): keeps Atrium's view of who is connected, and removes a
   * participant who connects while not allowed (a token minted before a ban; MSC4195 asks to
   * re-validate membership on join, since LiveKit cannot revoke tokens everywhere).
   */
  async onWebhook(event: WebhookEvent): Promise<void> {
    const room = event.room?.name;
    if (!room) return;
    const identity = event.participant?.identity;
    if (event.event === "room_finished") return this.deps.store.markRoomFinished(room);
    if (!identity) return;
    if (event.event === "participant_left" || event.event === "participant_connection_aborted") {
      return this.deps.store.markConnection(room, identity, false);
    }
    if (event.event !== "participant_joined") return;
    const grant = await this.deps.store.grant(room, identity);
    if (!grant) {
      this.deps.log.warn("a participant Atrium never admitted joined the SFU; removing it");
      await this.queue({
        livekit_room: room,
        identity,
        room_id: "",
        user_id: "",
        reason: "unknown",
      });
      return;
    }
    await this.deps.store.markConnection(room, identity, true);
    try {
      await admitToCall(this.deps.policy, grant.room_id, grant.user_id);
    } catch (error: unknown) {
      if (!(error instanceof AccessError) || error.status !== 403) throw error;
      await this.queue({ ...grant, reason: "webhook" });
    }
  }

  private async queue(r: Parameters<CallStore["enqueueRemoval"]>[0]): Promise<void> {
    await this.deps.store.enqueueRemoval({
      livekit_room: r.livekit_room,
      identity: r.identity,
      room_id: r.room_id,
      user_id: r.user_id,
      reason: r.reason,
    });
    this.deps.removalsQueued();
  }
}
