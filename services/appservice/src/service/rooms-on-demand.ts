/**
 * Rooms on demand: joining `#pad_<name>:<domain>` or `#meet_<name>:<domain>` creates the room
 * (through the homeserver's alias query) with its widget already in place and pinned.
 */
import type { Logger } from "pino";
import { WIDGET_EVENT_TYPE, validatePadName } from "@atrium/widgets";
import type { AtriumConfig } from "../config/schema";
import type { Workspace } from "./workspace";

export type OnDemandKind = { kind: "pad"; name: string } | { kind: "meet"; name: string };

/** Which room an alias localpart asks for, or null when it is not one of ours (or invalid). */
export function readAlias(localpart: string, config: AtriumConfig): OnDemandKind | null {
  const { padPrefix, meetPrefix } = config.aliases;
  if (localpart.startsWith(padPrefix)) {
    const check = validatePadName(localpart.slice(padPrefix.length));
    return check.ok ? { kind: "pad", name: check.value } : null;
  }
  if (localpart.startsWith(meetPrefix)) {
    const name = localpart.slice(meetPrefix.length);
    return /^[A-Za-z0-9._-]{1,64}$/.test(name) ? { kind: "meet", name } : null;
  }
  return null;
}

export function creationOptions(
  alias: OnDemandKind,
  localpart: string,
  config: AtriumConfig,
): Record<string, unknown> {
  const title = alias.kind === "pad" ? `Pad: ${alias.name}` : `Meeting: ${alias.name}`;
  const topic =
    alias.kind === "pad"
      ? `A shared pad for members of this room (created by Atrium). Open it from the room's widgets.`
      : `A Jitsi conference for members of this room (created by Atrium). Microphones start muted.`;
  return {
    room_alias_name: localpart,
    name: title,
    topic,
    preset: config.aliases.joinRule === "public" ? "public_chat" : "private_chat",
    visibility: "private",
    initial_state: [
      { type: "m.room.join_rules", state_key: "", content: { join_rule: config.aliases.joinRule } },
    ],
    // The bot creates the room, so it has the creator's power (unlimited from room version
    // 12, where the creator must not be listed in `users`; 100 before).
    power_level_content_override: {
      events: { [WIDGET_EVENT_TYPE]: 50, "io.element.widgets.layout": 50 },
    },
  };
}

export async function furnishRoom(
  roomId: string,
  alias: OnDemandKind,
  workspace: Workspace,
  botUserId: string,
  log: Logger,
): Promise<void> {
  const row =
    alias.kind === "pad"
      ? await workspace.addPad(roomId, alias.name, botUserId)
      : await workspace.addConference(roomId, botUserId, `Meeting: ${alias.name}`);
  await workspace.pinWidget(roomId, row.widget_id);
  log.info({ room_id: roomId, widget: row.widget_id }, "room on demand is ready");
}
