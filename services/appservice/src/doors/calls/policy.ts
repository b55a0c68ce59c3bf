/**
 * Who may join a room's call: the one rule both token doors (through the homeserver and the
 * legacy `/sfu/get`) and the SFU webhook apply.
 *
 * - The user is joined to the room now (read through the bot, uncached, so a kick a moment ago
 *   counts). In rooms without Atrium's bot, the homeserver is asked instead (MSC4502
 *   `is_joined`, which Synapse 1.163.2 serves when `msc4502_enabled` is on and the registration
 *   holds the scope; `synapse/rest/client/room_membership.py`).
 * - Users of other servers only when `calls.allowRemoteMembers`.
 * - Guests (a membership with `kind: guest`, as Synapse writes it for guest joins,
 *   `synapse/handlers/room_member.py`) only when `calls.allowGuests` and the room's
 *   `m.room.guest_access` is `can_join`. Synapse 1.163.2 already refuses guests at both doors
 *   on its own side: its appservice proxy and `openid/request_token` call `get_user_by_req`
 *   without `allow_guest` (`synapse/rest/client/appservice_proxy.py`, `rest/client/openid.py`).
 */
import type { MatrixGateway } from "../../matrix/gateway";
import { errcodeOf } from "../../matrix/errors";
import { AccessError } from "../../matrix/access-error";
import { serverOfUserId } from "../pages/openid";
import type { CallsConfig } from "./config";

/** Asks the homeserver whether a user is joined (MSC4502); null when it cannot answer. */
export type JoinedProbe = (roomId: string, userId: string) => Promise<boolean | null>;

export interface CallPolicyDeps {
  calls: Pick<CallsConfig, "allowRemoteMembers" | "allowGuests">;
  /** `homeserver.domain`. */
  localServer: string;
  gateway: Pick<MatrixGateway, "getState">;
  isJoined?: JoinedProbe;
}

export interface CallAdmission {
  /** The user belongs to this homeserver (may publish on its SFU). */
  local: boolean;
  displayName?: string;
}

/** `!opaque:server`, or `!hash` in room version 12 and later (no server part). */
const ROOM_ID = /^![^\s/]+$/u;

function forbidden(message: string): AccessError {
  return new AccessError(403, "M_FORBIDDEN", message);
}

/**
 * Admits `userId` to the call of `roomId`, or throws AccessError 403 (M_FORBIDDEN) saying why.
 *
 * @throws AccessError 400 for a malformed room id, 403 when refused.
 */
export async function admitToCall(
  deps: CallPolicyDeps,
  roomId: string,
  userId: string,
): Promise<CallAdmission> {
  if (!ROOM_ID.test(roomId)) {
    throw new AccessError(
      400,
      "M_INVALID_PARAM",
      `${JSON.stringify(roomId)} is not a room id (it starts with !).`,
    );
  }
  const server = serverOfUserId(userId);
  if (!server) throw forbidden(`${JSON.stringify(userId)} is not a Matrix user id.`);
  const local = server === deps.localServer;
  if (!local && !deps.calls.allowRemoteMembers) {
    throw forbidden(
      `Calls here are for accounts of ${deps.localServer} only (calls.allowRemoteMembers is off); ${userId} cannot join.`,
    );
  }
  let member: Record<string, unknown> | null;
  try {
    member = await deps.gateway.getState(roomId, "m.room.member", userId);
  } catch (error: unknown) {
    if (errcodeOf(error) !== "M_FORBIDDEN") throw error;
    return admitWithoutBot(deps, roomId, userId, local);
  }
  if (member?.membership !== "join") {
    throw forbidden(
      `${userId} is not joined to this room, so its call stays closed. Join the room first.`,
    );
  }
  if (member.kind === "guest") {
    const access = await deps.gateway.getState(roomId, "m.room.guest_access", "");
    if (!deps.calls.allowGuests || access?.guest_access !== "can_join") {
      throw forbidden(
        "Guest accounts may not join this call (the room does not allow guests, or calls.allowGuests is off). Sign in with a full account.",
      );
    }
  }
  const displayName =
    typeof member.displayname === "string" && member.displayname ? member.displayname : undefined;
  return { local, ...(displayName ? { displayName } : {}) };
}

async function admitWithoutBot(
  deps: CallPolicyDeps,
  roomId: string,
  userId: string,
  local: boolean,
): Promise<CallAdmission> {
  const joined = deps.isJoined ? await deps.isJoined(roomId, userId) : null;
  if (joined === null) {
    throw forbidden(
      "Atrium is not in this room and the homeserver cannot tell it who is (enable experimental_features.msc4502_enabled), so its call stays closed. Invite the Atrium bot to the room.",
    );
  }
  if (!joined) {
    throw forbidden(
      `${userId} is not joined to this room, so its call stays closed. Join the room first.`,
    );
  }
  return { local };
}
