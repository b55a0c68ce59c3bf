/**
 * Jitsi user verification, answering like matrix-user-verification-service (UVS) so prosody's
 * mod_auth_matrix_user_verification (docker-jitsi-meet `AUTH_TYPE=matrix`) can use Atrium as its
 * `MATRIX_UVS_URL`. Refusals are 200 answers with `false` results, as UVS gives them; membership
 * is read through the bot (no admin token), never cached, so a member who left is out at once.
 */
import { timingSafeEqual, createHash } from "node:crypto";
import { AccessError, badRequest } from "../../matrix/access-error";
import { roomAccess, type StateReader } from "../../matrix/membership";
import type { OpenIdCredentials, OpenIdVerifier } from "./openid";

export interface VerifyDeps {
  gateway: StateReader;
  openid: Pick<OpenIdVerifier, "verify">;
}

/** UVS's answer to `POST /verify/user`. */
export interface VerifyUserResult {
  results: { user: boolean };
  user_id: string | null;
}

/** UVS's answer to `POST /verify/user_in_room`. */
export interface VerifyUserInRoomResult {
  results: { user: boolean; room_membership: boolean };
  user_id: string | null;
  /** `room`: m.room.power_levels without `users`; `user`: the user's level. Null on refusal. */
  power_levels: { room: Record<string, unknown>; user: number } | null;
}

/** True when the `Authorization` header carries exactly `Bearer <expected>` (constant time). */
export function bearerMatches(header: string | undefined, expected: string): boolean {
  const match = /^Bearer (.+)$/.exec(header ?? "");
  if (!match?.[1]) return false;
  const digest = (v: string) => createHash("sha256").update(v).digest();
  return timingSafeEqual(digest(match[1]), digest(expected));
}

function credentialsOf(body: Record<string, unknown>): OpenIdCredentials {
  if (typeof body.token !== "string" || body.token.length === 0) {
    throw badRequest("token not found or empty in the JSON body (the user's OpenID access token).");
  }
  if (body.matrix_server_name !== undefined && typeof body.matrix_server_name !== "string") {
    throw badRequest("matrix_server_name must be a server name such as example.org.");
  }
  const creds: OpenIdCredentials = { access_token: body.token };
  if (typeof body.matrix_server_name === "string" && body.matrix_server_name) {
    creds.matrix_server_name = body.matrix_server_name;
  }
  return creds;
}

/** A refused token becomes `null`; a homeserver that cannot be reached stays an error (502). */
async function userOf(deps: VerifyDeps, creds: OpenIdCredentials): Promise<string | null> {
  try {
    return await deps.openid.verify(creds);
  } catch (error: unknown) {
    if (error instanceof AccessError && (error.status === 401 || error.status === 403)) return null;
    throw error;
  }
}

/** `POST /verify/user` {token, matrix_server_name?}. */
export async function verifyUser(deps: VerifyDeps, body: unknown): Promise<VerifyUserResult> {
  const userId = await userOf(deps, credentialsOf((body ?? {}) as Record<string, unknown>));
  return { results: { user: userId !== null }, user_id: userId };
}

/** `POST /verify/user_in_room` {token, room_id, matrix_server_name?}. */
export async function verifyUserInRoom(
  deps: VerifyDeps,
  body: unknown,
): Promise<VerifyUserInRoomResult> {
  const b = (body ?? {}) as Record<string, unknown>;
  const creds = credentialsOf(b);
  if (typeof b.room_id !== "string" || !b.room_id.startsWith("!")) {
    throw badRequest("room_id not found in the JSON body, or not a room id like !abc:example.org.");
  }
  const userId = await userOf(deps, creds);
  if (!userId)
    return { results: { user: false, room_membership: false }, user_id: null, power_levels: null };
  let access;
  try {
    access = await roomAccess(deps.gateway, b.room_id, userId);
  } catch (error: unknown) {
    // The bot is not in the room: nobody's membership can be vouched for.
    if (error instanceof AccessError && error.status === 403) access = null;
    else throw error;
  }
  if (access?.membership !== "join") {
    return { results: { user: true, room_membership: false }, user_id: userId, power_levels: null };
  }
  const { users: _users, ...levels } = access.powerLevels ?? {};
  // prosody's power sync compares `user >= room.state_default` and refuses the member when the
  // key is missing (REFERENCE.md §8): always send it, with the spec's default (50 when a power
  // levels event lacks it, 0 when the room has none).
  const stateDefault =
    typeof levels.state_default === "number" ? levels.state_default : access.powerLevels ? 50 : 0;
  const room = { ...levels, state_default: stateDefault };
  return {
    results: { user: true, room_membership: true },
    user_id: userId,
    power_levels: { room, user: access.level },
  };
}
