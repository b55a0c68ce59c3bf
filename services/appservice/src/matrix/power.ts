/** Power-level arithmetic, per the Matrix spec's defaults (REFERENCE.md §1). */
import { WIDGET_EVENT_TYPE } from "@atrium/widgets";

export type PowerLevels = Record<string, unknown> | null;

function num(value: unknown, fallback: number): number {
  return typeof value === "number" && Number.isFinite(value) ? value : Number(value) || fallback;
}

/** The level a user has; with no power-levels event the room creator has 100 and others 0. */
export function userLevel(pl: PowerLevels, userId: string, creator?: string): number {
  if (!pl) return userId === creator ? 100 : 0;
  const users = pl.users && typeof pl.users === "object" ? (pl.users as Record<string, unknown>) : {};
  if (Object.prototype.hasOwnProperty.call(users, userId)) return num(users[userId], 0);
  return num(pl.users_default, 0);
}

/** The level needed to send a state event of `type` (events[type], else state_default, 50). */
export function stateLevel(pl: PowerLevels, type: string = WIDGET_EVENT_TYPE): number {
  if (!pl) return 0;
  const events = pl.events && typeof pl.events === "object" ? (pl.events as Record<string, unknown>) : {};
  if (Object.prototype.hasOwnProperty.call(events, type)) return num(events[type], 50);
  return num(pl.state_default, 50);
}
