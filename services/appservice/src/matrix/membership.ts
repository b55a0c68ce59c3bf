/**
 * Reads, through the bot, whether a user is joined to a room and which power level they have.
 * The bot is in every room Atrium serves, so no homeserver admin token is needed.
 */
import type { MatrixGateway } from "./gateway";
import { errcodeOf } from "./errors";
import { privilegedCreatorsOf, userLevel } from "./power";
import { AccessError } from "./access-error";

export interface RoomAccess {
  /** `join`, `invite`, `leave`, `ban`, `knock`, or null when the user never was in the room. */
  membership: string | null;
  /** The member's display name in the room, when set. */
  displayName?: string;
  /** The user's power level (room creators of v12+ rooms: Number.MAX_SAFE_INTEGER). */
  level: number;
  /** Content of m.room.power_levels, or null when the room has none. */
  powerLevels: Record<string, unknown> | null;
}

export type StateReader = Pick<MatrixGateway, "getState" | "roomState">;

/**
 * Membership and power level of `userId` in `roomId`.
 *
 * @throws AccessError 403 when the bot cannot read the room (it is not in it).
 */
export async function roomAccess(
  gateway: StateReader,
  roomId: string,
  userId: string,
): Promise<RoomAccess> {
  let member: Record<string, unknown> | null;
  let pl: Record<string, unknown> | null;
  let create: Record<string, unknown> | null;
  try {
    [member, pl, create] = await Promise.all([
      gateway.getState(roomId, "m.room.member", userId),
      gateway.getState(roomId, "m.room.power_levels", ""),
      gateway.getState(roomId, "m.room.create", ""),
    ]);
  } catch (error: unknown) {
    if (errcodeOf(error) === "M_FORBIDDEN" || errcodeOf(error) === "M_NOT_FOUND") {
      throw new AccessError(
        403,
        "M_FORBIDDEN",
        `Atrium is not in the room ${roomId}, so it cannot check who belongs to it. Invite the Atrium bot again.`,
      );
    }
    throw error;
  }
  const membership = typeof member?.membership === "string" ? member.membership : null;
  const displayName =
    typeof member?.displayname === "string" && member.displayname ? member.displayname : undefined;
  // Room v11+ dropped `creator` from m.room.create: the creator is the event's sender.
  const creator =
    typeof create?.creator === "string" ? create.creator : await createSender(gateway, roomId);
  let level = userLevel(pl, userId, creator);
  if (privilegedCreatorsOf(create, creator).includes(userId)) level = Number.MAX_SAFE_INTEGER;
  return { membership, ...(displayName ? { displayName } : {}), level, powerLevels: pl };
}

async function createSender(gateway: StateReader, roomId: string): Promise<string | undefined> {
  const state = await gateway.roomState(roomId);
  return state.find((e) => e.type === "m.room.create" && e.state_key === "")?.sender;
}
