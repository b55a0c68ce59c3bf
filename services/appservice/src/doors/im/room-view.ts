/**
 * What the integration manager shows of a room, read through the bot (which must be joined to
 * see it): the caller's membership and power, the bot's, and Atrium's widgets with their pin.
 */
import { LAYOUT_EVENT_TYPE, type ImRoomView, type ImWidget } from "@atrium/widgets";
import type { AtriumConfig } from "../../config/schema";
import { humanMembers } from "../../matrix/events/members";
import { errcodeOf } from "../../matrix/errors";
import type { MatrixGateway, StateEvent } from "../../matrix/gateway";
import { userLevel } from "../../matrix/power";
import { widgetPower } from "../../workspace/room-actions";
import type { Store } from "../../store/store";

type Membership = NonNullable<NonNullable<ImRoomView["room"]>["userMembership"]>;

export interface RoomViewDeps {
  config: AtriumConfig;
  store: Pick<Store, "widgetsInRoom">;
  gateway: Pick<MatrixGateway, "botUserId" | "roomState" | "refresh" | "recheck">;
}

function membershipIn(state: StateEvent[], userId: string): Membership | null {
  const event = state.find((e) => e.type === "m.room.member" && e.state_key === userId);
  const m = event?.content.membership;
  return m === "join" || m === "invite" || m === "leave" || m === "ban" || m === "knock" ? m : null;
}

function contentOf(state: StateEvent[], type: string): Record<string, unknown> | undefined {
  return state.find((e) => e.type === type && e.state_key === "")?.content;
}

/** The room's state through the bot, or null when the bot cannot read it (not joined). */
export async function stateThroughBot(
  gateway: RoomViewDeps["gateway"],
  roomId: string,
): Promise<StateEvent[] | null> {
  try {
    return await gateway.roomState(roomId);
  } catch (error: unknown) {
    const code = errcodeOf(error);
    if (code === "M_FORBIDDEN" || code === "M_NOT_FOUND") return null;
    throw error;
  }
}

/** Pinned widget ids of Element's layout state (the `top` container). */
function pinnedIds(layout: Record<string, unknown> | undefined): Set<string> {
  const widgets = layout?.widgets;
  const pinned = new Set<string>();
  if (widgets && typeof widgets === "object") {
    for (const [id, entry] of Object.entries(widgets as Record<string, unknown>)) {
      if ((entry as { container?: unknown } | null)?.container === "top") pinned.add(id);
    }
  }
  return pinned;
}

/** The IM's view of `roomId` for `userId`. */
export async function roomView(
  deps: RoomViewDeps,
  roomId: string,
  userId: string,
): Promise<ImRoomView> {
  const botUserId = deps.gateway.botUserId;
  const state = await stateThroughBot(deps.gateway, roomId);
  if (!state) {
    return {
      roomId,
      userId,
      bot: { userId: botUserId, membership: null, level: null, ready: false },
      room: null,
    };
  }
  const power = widgetPower(state);
  const botLevel = userLevel(power.ctx, botUserId);
  const level = userLevel(power.ctx, userId);
  const userMembership = membershipIn(state, userId);
  const joined = state
    .filter((e) => e.type === "m.room.member" && e.content.membership === "join")
    .map((e) => e.state_key);
  const pinned = pinnedIds(contentOf(state, LAYOUT_EVENT_TYPE));
  const widgets: ImWidget[] = (await deps.store.widgetsInRoom(roomId)).map((row) => ({
    id: row.widget_id,
    kind: row.kind,
    name: row.name,
    url: row.url,
    pinned: pinned.has(row.widget_id),
    creator: row.creator,
  }));
  const name = contentOf(state, "m.room.name")?.name;
  const isMember = userMembership === "join";
  return {
    roomId,
    userId,
    bot: {
      userId: botUserId,
      membership: membershipIn(state, botUserId) as ImRoomView["bot"]["membership"],
      level: Number.isFinite(botLevel) ? botLevel : null,
      ready: botLevel >= power.neededLevel,
    },
    room: {
      name: typeof name === "string" && name ? name : null,
      encrypted: contentOf(state, "m.room.encryption") !== undefined,
      memberCount: humanMembers(joined, deps.config).length,
      userMembership,
      userLevel: Number.isFinite(level) ? level : null,
      neededLevel: power.neededLevel,
      layoutLevel: power.layoutLevel,
      canChangeWidgets: isMember && level >= power.neededLevel,
      canPin: isMember && level >= Math.max(power.neededLevel, power.layoutLevel),
      // Only members see what the room holds.
      widgets: isMember ? widgets : [],
    },
    callButton: deps.config.calls.enabled,
  };
}
