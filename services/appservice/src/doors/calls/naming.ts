/**
 * How a Matrix room's call maps onto LiveKit, exactly as Element Call, Element X and
 * lk-jwt-service derive it, so clients of every kind meet in the same LiveKit room:
 *
 * - LiveKit room name = unpadded base64 of SHA-256 over the canonical JSON array
 *   `[room_id, slot_id]` (MSC4195 "LiveKit room names"; lk-jwt-service
 *   `src/helper.rs` `livekit_room_alias_for`). The legacy `/sfu/get` flow has no slot and uses
 *   the room call's slot `m.call#ROOM` (lk-jwt-service `src/handler.rs`
 *   `process_legacy_sfu_request`), so legacy and new clients share the room.
 * - Participant identity through the homeserver (`get_token`) = unpadded base64 of SHA-256 over
 *   `[sender, member.id]` (MSC4195 "LiveKit participant identities"; lk-jwt-service
 *   `livekit_identity_for(mxid, member_id)` in `process_get_token_cs_request`).
 * - Participant identity of the legacy flow = `<user id>:<device id>` (lk-jwt-service
 *   `process_legacy_sfu_request`: `format!("{matrix_id}:{device_id}")`), which Element Call
 *   still maps back to the member.
 *
 * For arrays of strings, `JSON.stringify` is Matrix canonical JSON (no spaces, no key order to
 * settle, the same escapes as serde_json's).
 */
import { createHash } from "node:crypto";

/** The slot of a room's own call (MSC4143 `m.call#ROOM`), used by the legacy flow. */
export const ROOM_CALL_SLOT = "m.call#ROOM";

function hashed(parts: readonly string[]): string {
  return createHash("sha256")
    .update(JSON.stringify(parts), "utf8")
    .digest("base64")
    .replace(/=+$/, "");
}

/** The LiveKit room name of a MatrixRTC slot in a Matrix room. */
export function livekitRoomName(roomId: string, slotId: string = ROOM_CALL_SLOT): string {
  return hashed([roomId, slotId]);
}

/** The LiveKit identity of a member who asked through the homeserver (MSC4195). */
export function livekitIdentity(userId: string, memberId: string): string {
  return hashed([userId, memberId]);
}

/** The LiveKit identity of a member who asked through the legacy `/sfu/get`. */
export function legacyLivekitIdentity(userId: string, deviceId: string): string {
  return `${userId}:${deviceId}`;
}
