/**
 * What the current user may do in the room, and the plain sentence that says why not.
 */
import type { ImRoomView } from "@atrium/widgets";

export interface Access {
  /** May add and remove widgets. */
  canChange: boolean;
  /** May pin and unpin. */
  canPin: boolean;
  /** Why not, for people; null when everything is allowed. */
  reason: string | null;
}

/** A level for people: `null` is a room version 12 creator, above every level. */
export function levelText(level: number | null): string {
  return level === null ? "room creator (unlimited)" : String(level);
}

/** Reads the access from the room view (the server enforces the same rule on every action). */
export function accessOf(view: ImRoomView): Access {
  const room = view.room;
  if (room === null) return { canChange: false, canPin: false, reason: null };
  if (room.userMembership !== "join") {
    return {
      canChange: false,
      canPin: false,
      reason:
        room.userMembership === "invite"
          ? "You are invited to this room but have not joined it yet. Join it in Element first."
          : "You are not a member of this room, so you cannot change its extensions.",
    };
  }
  if (!room.canChangeWidgets) {
    return {
      canChange: false,
      canPin: room.canPin,
      reason: `Adding and removing extensions needs power level ${room.neededLevel}; yours is ${levelText(room.userLevel)}. Ask a room moderator or admin.`,
    };
  }
  if (!room.canPin) {
    return {
      canChange: true,
      canPin: false,
      reason: `Pinning needs power level ${room.layoutLevel}; yours is ${levelText(room.userLevel)}.`,
    };
  }
  return { canChange: true, canPin: true, reason: null };
}
