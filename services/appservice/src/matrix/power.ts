/**
 * Power-level arithmetic, per the Matrix spec's defaults (REFERENCE.md §1), including room
 * version 12, where the room's creators (the sender of m.room.create and its
 * `additional_creators`) have unlimited power and are not listed in m.room.power_levels.
 */
import { WIDGET_EVENT_TYPE } from "@atrium/widgets";
import type { StateEvent } from "./gateway";

export type PowerLevels = Record<string, unknown> | null;

/** What decides who may do what in a room. */
export interface PowerContext {
  powerLevels: PowerLevels;
  /** Users with unlimited power (room version 12 and later). */
  privilegedCreators: string[];
  /** The creator, for rooms without a power-levels event (older versions). */
  creator?: string;
}

function num(value: unknown, fallback: number): number {
  if (typeof value === "number" && Number.isFinite(value)) return value;
  const parsed = typeof value === "string" ? Number(value) : NaN;
  return Number.isFinite(parsed) ? parsed : fallback;
}

/**
 * Whether the room version gives its creators unlimited power (MSC4289: room version 12, later
 * numbered versions and the `org.matrix.hydra.*` test versions). The one place this rule lives:
 * the command path and the public pages both ask it, through {@link privilegedCreatorsOf}.
 */
export function creatorsArePrivileged(roomVersion: unknown): boolean {
  if (typeof roomVersion !== "string") return false;
  if (/^org\.matrix\.hydra\./.test(roomVersion)) return true;
  const n = Number(roomVersion);
  return Number.isInteger(n) && n >= 12;
}

/**
 * The users with unlimited power in a room, from its m.room.create content and sender: the
 * sender and `additional_creators` where the version privileges creators, nobody otherwise.
 */
export function privilegedCreatorsOf(
  createContent: Record<string, unknown> | null | undefined,
  sender: string | undefined,
): string[] {
  if (!createContent || !sender || !creatorsArePrivileged(createContent.room_version)) return [];
  const additional = Array.isArray(createContent.additional_creators)
    ? createContent.additional_creators.filter((c): c is string => typeof c === "string")
    : [];
  return [sender, ...additional];
}

/** Reads the power context from a room's full state. */
export function powerContextFrom(state: StateEvent[]): PowerContext {
  const create = state.find((e) => e.type === "m.room.create" && e.state_key === "");
  const pl = state.find((e) => e.type === "m.room.power_levels" && e.state_key === "");
  const content = create?.content ?? {};
  const sender = typeof create?.sender === "string" ? create.sender : undefined;
  const creator = typeof content.creator === "string" ? content.creator : sender;
  return {
    powerLevels: pl?.content ?? null,
    privilegedCreators: privilegedCreatorsOf(content, sender),
    creator,
  };
}

/** The level a user has; with no power-levels event the room creator has 100 and others 0. */
export function userLevel(
  ctx: PowerContext | PowerLevels,
  userId: string,
  creator?: string,
): number {
  const context: PowerContext =
    ctx && "privilegedCreators" in ctx
      ? (ctx as PowerContext)
      : { powerLevels: ctx as PowerLevels, privilegedCreators: [], creator };
  if (context.privilegedCreators.includes(userId)) return Number.POSITIVE_INFINITY;
  const pl = context.powerLevels;
  if (!pl) return userId === context.creator ? 100 : 0;
  const users =
    pl.users && typeof pl.users === "object" ? (pl.users as Record<string, unknown>) : {};
  if (Object.prototype.hasOwnProperty.call(users, userId)) return num(users[userId], 0);
  return num(pl.users_default, 0);
}

/** The level needed to send a state event of `type` (events[type], else state_default, 50). */
export function stateLevel(pl: PowerLevels, type: string = WIDGET_EVENT_TYPE): number {
  if (!pl) return 0;
  const events =
    pl.events && typeof pl.events === "object" ? (pl.events as Record<string, unknown>) : {};
  if (Object.prototype.hasOwnProperty.call(events, type)) return num(events[type], 50);
  return num(pl.state_default, 50);
}

/**
 * The room's `state_default`: the level Atrium asks of a member who manages room-wide
 * settings that are not state events of their own (feed subscriptions). 50 when the
 * power-levels event omits it; 0 in a room without one (everyone may send state there).
 */
export function stateDefaultLevel(pl: PowerLevels): number {
  if (!pl) return 0;
  return num(pl.state_default, 50);
}
