/**
 * What the workspace page shows a signed-in person for a room: its pads, its web pages and how
 * to join its call. Membership and power are read from the homeserver at every load (the
 * session grants no room); a room Atrium does not serve and a room the person is not in get
 * the same answer, so the page tells a non-member nothing about the room.
 */
import type { WorkspaceRoomView } from "@atrium/widgets";
import type { AtriumConfig } from "../../../config/schema";
import type { Store } from "../../../store/store";
import { AccessError } from "../../../matrix/access-error";
import { roomAccess, type RoomAccess, type StateReader } from "../../../matrix/membership";

/** The page's view of a room (the JSON of `GET /atrium/workspace/rooms/:roomId`). */
export type { WorkspaceRoomView };

export interface RoomViewDeps {
  config: Pick<AtriumConfig, "permissions"> & { calls?: { enabled?: boolean } };
  store: Pick<Store, "widgetsInRoom">;
  /** Reads the homeserver (not a cache): this is the open-time check. */
  gateway: StateReader;
}

/** The one refusal for "not a member" and "not a room Atrium serves". */
export function notAMember(): AccessError {
  return new AccessError(
    403,
    "M_FORBIDDEN",
    "You are not a member of this room, or Atrium is not in it. Join the room in your Matrix client, then open this page again.",
  );
}

/** `!opaque:server`, or (room version 12) `!opaque`; anything else is refused as malformed. */
export function checkRoomId(raw: string): string {
  if (!/^![^\s/]{1,255}$/u.test(raw)) {
    throw new AccessError(
      400,
      "M_INVALID_PARAM",
      "That is not a room id (they look like !abc123:example.org). Open the link the room's pinned message gives.",
    );
  }
  return raw;
}

/**
 * `userId`'s standing in the room, read from the homeserver now.
 * @throws AccessError 403 ({@link notAMember}) for non-members and rooms Atrium is not in.
 */
export async function requireJoined(
  deps: Pick<RoomViewDeps, "gateway">,
  roomId: string,
  userId: string,
): Promise<RoomAccess> {
  let access: RoomAccess;
  try {
    access = await roomAccess(deps.gateway, roomId, userId);
  } catch (error: unknown) {
    if (error instanceof AccessError) throw notAMember();
    throw error;
  }
  if (access.membership !== "join") throw notAMember();
  return access;
}

/** The room as `userId` may see it now; see {@link requireJoined}. */
export async function workspaceRoomView(
  deps: RoomViewDeps,
  roomId: string,
  userId: string,
): Promise<WorkspaceRoomView> {
  const access = await requireJoined(deps, roomId, userId);
  const [rows, nameEvent] = await Promise.all([
    deps.store.widgetsInRoom(roomId),
    deps.gateway.getState(roomId, "m.room.name", "").catch(() => null),
  ]);
  const name = typeof nameEvent?.name === "string" && nameEvent.name ? nameEvent.name : null;
  return {
    roomId,
    name,
    userId,
    padsReadOnly: access.level < deps.config.permissions.padEditPowerLevel,
    pads: rows.filter((r) => r.kind === "etherpad").map((r) => ({ id: r.widget_id, name: r.name })),
    pages: rows
      .filter((r) => r.kind === "custom")
      .map((r) => ({ id: r.widget_id, name: r.name, url: r.url })),
    call: {
      matrixRtc: deps.config.calls?.enabled === true,
      conference: rows.some((r) => r.kind === "jitsi"),
    },
  };
}
