/**
 * Rooms on demand: joining `#pad_<name>:<domain>` or `#meet_<name>:<domain>` creates the room
 * (through the homeserver's alias query); the first local member to join gets it furnished
 * with its widget, pinned, and becomes its moderator (see {@link RoomsOnDemand}).
 */
import type { Logger } from "pino";
import { validatePadName } from "@atrium/widgets";
import type { AtriumConfig } from "../config/schema";
import type { MatrixGateway } from "../matrix/gateway";
import type { OnDemandRooms, OnDemandRow } from "../store/on-demand-rooms";
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

/**
 * The room an alias query creates: named, with the configured join rule, and the homeserver's
 * own power-level defaults. Nothing is overridden: the defaults already ask 50 (state_default)
 * for widgets and the layout and 100 for power levels, tombstones, server ACLs and encryption,
 * and the bot, as the creator, is privileged without being listed (room version 12 refuses a
 * creator in `users`). The person who claims the room gets moderator (50) when they join.
 */
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
  };
}

/** The level the claimer (and `aliases.moderator`) gets: Element's "Moderator". */
export const MODERATOR_LEVEL = 50;
const HOUR = 60 * 60 * 1000;

/**
 * Rooms on demand, built in two steps because the homeserver's alias query
 * (`GET /_matrix/app/v1/rooms/{alias}`) says nothing about who asked: a local user joining
 * `#pad_retro`, a local client merely resolving the alias, or another server's federation
 * query all look the same. So:
 *
 * 1. The alias query creates only a bare room: the bot, the alias, a name, the homeserver's
 *    default power levels. No Etherpad call, no widget, nobody's quota. These unattributed
 *    creations are capped for the whole server (`aliases.unclaimedRoomsPerHour`), so a flood
 *    of lookups, federation probes included, cannot create rooms without end.
 * 2. The first join of a local user, which reaches Atrium as an `m.room.member` event in a
 *    transaction (and so names the user, through the durable inbox), claims the room: it
 *    counts against that user's cap (`aliases.roomsPerUserPerHour`), makes them moderator, and
 *    furnishes the room (pad or conference, pinned). A failed Etherpad or homeserver call
 *    throws, so the inbox retries it in order; a room still unfurnished after those retries is
 *    furnished again by {@link RoomsOnDemand.resume} (at start and hourly), never left bare.
 *
 * A remote user's join claims nothing; a federation query for an unknown alias gets a bare
 * room that no widget, pad or quota is spent on.
 */
export class RoomsOnDemand {
  constructor(
    private readonly deps: {
      config: AtriumConfig;
      gateway: MatrixGateway;
      /** Frees the alias of a room removed for want of a claim. */
      aliases: { deleteAlias(alias: string): Promise<void> };
      workspace: Pick<Workspace, "addPad" | "addConference" | "pinWidget">;
      rooms: OnDemandRooms;
      log: Logger;
      now?: () => number;
    },
  ) {}

  private now(): number {
    return this.deps.now?.() ?? Date.now();
  }

  /** The alias query: the bare room's id, or null (404) for aliases that are not ours, or over the cap. */
  async onAliasQuery(alias: string, localpart: string): Promise<{ roomId: string } | null> {
    const { config, rooms, gateway, log } = this.deps;
    const wanted = readAlias(localpart, config);
    if (!wanted) return null;
    const now = this.now();
    const recent = await rooms.unclaimedSince(now - HOUR);
    if (recent >= config.aliases.unclaimedRoomsPerHour) {
      log.warn(
        { alias, unclaimed: recent },
        "refusing an alias query: too many rooms on demand nobody joined in the last hour",
      );
      return null;
    }
    const window = config.aliases.claimWindowSeconds * 1000;
    const strays = await rooms.straysSince(now - HOUR, window, now);
    if (strays >= config.aliases.strayRoomsPerHour) {
      log.warn(
        { alias, strays },
        "refusing an alias query: too many rooms on demand no local user came to in the last hour (lookups or other servers' queries)",
      );
      return null;
    }
    const roomId = await gateway.createRoom(creationOptions(wanted, localpart, config));
    await rooms.record({ room_id: roomId, alias, kind: wanted.kind, name: wanted.name }, now);
    log.info(
      { alias, room_id: roomId },
      "created a room on demand; furnished on the first local join",
    );
    return { roomId };
  }

  /** A join in any room: claims and furnishes a room on demand for its first local joiner. */
  async onJoin(roomId: string, userId: string, log: Logger): Promise<void> {
    const { config, rooms, gateway } = this.deps;
    const row = await rooms.get(roomId);
    if (!row || row.furnished_at !== null || row.removed_at !== null) return;
    if (!row.claimed_by) {
      if (userId === gateway.botUserId || serverOf(userId) !== config.homeserver.domain) return;
      const claimed = await rooms.claimedBy(userId, this.now() - HOUR);
      if (claimed >= config.aliases.roomsPerUserPerHour) {
        const text =
          `You have opened ${claimed} new rooms on demand in the last hour, the most this server allows ` +
          `(${config.aliases.roomsPerUserPerHour}), so I have not set this one up. ` +
          "It gets its widget when someone joins it after that hour, or use `!pad`/`!meet` in an existing room.";
        await gateway.sendNotice(roomId, text, text, `on-demand-capped:${roomId}:${userId}`);
        log.info({ user: userId }, "room on demand not claimed: the user is over the hourly cap");
        return;
      }
      if ((await rooms.claim(roomId, userId, this.now())) !== userId) return;
    }
    await this.furnish((await rooms.get(roomId))!, log);
  }

  /**
   * The upkeep, at start and hourly: furnishes claimed rooms left without their widget, and
   * removes rooms nobody claimed within `aliases.unclaimedRoomTtlSeconds` (see {@link remove}).
   */
  async resume(log: Logger): Promise<void> {
    await this.removeUnclaimed(log);
    for (const row of await this.deps.rooms.unfurnished()) {
      try {
        await this.furnish(row, log);
      } catch (error: unknown) {
        log.warn({ err: error, room_id: row.room_id }, "could not furnish a room on demand yet");
      }
    }
  }

  private async furnish(row: OnDemandRow, log: Logger): Promise<void> {
    const { config, gateway, workspace, rooms } = this.deps;
    const claimer = row.claimed_by;
    if (!claimer) return;
    const moderators = [claimer, config.aliases.moderator].filter(
      (u): u is string => !!u && u !== gateway.botUserId,
    );
    await this.raise(row.room_id, moderators);
    const bot = gateway.botUserId;
    const widget =
      row.kind === "pad"
        ? await workspace.addPad(row.room_id, row.name, bot)
        : await workspace.addConference(row.room_id, bot, `Meeting: ${row.name}`);
    await workspace.pinWidget(row.room_id, widget.widget_id);
    await rooms.markFurnished(row.room_id);
    log.info(
      { room_id: row.room_id, widget: widget.widget_id, moderator: claimer },
      "room on demand is ready",
    );
  }

  /** Removes the rooms nobody claimed in time; forgets long-removed ones. */
  private async removeUnclaimed(log: Logger): Promise<void> {
    const { config, rooms } = this.deps;
    const now = this.now();
    for (const row of await rooms.unclaimedBefore(
      now - config.aliases.unclaimedRoomTtlSeconds * 1000,
    )) {
      try {
        await this.remove(row, now);
        log.info(
          { room_id: row.room_id, alias: row.alias },
          "removed a room on demand nobody joined",
        );
      } catch (error: unknown) {
        log.warn({ err: error, room_id: row.room_id }, "could not remove an unclaimed room yet");
      }
    }
    // Kept a day after removal: removed rooms still count towards the hourly caps.
    await rooms.forgetRemoved(now - 24 * HOUR);
  }

  /**
   * Removes a bare room: the alias first (so a join by alias can no longer land in it, and the
   * alias can be asked for again), then the bot leaves. The room is recorded as removed, not
   * forgotten, so it still counts towards the hourly caps.
   */
  private async remove(row: OnDemandRow, now: number): Promise<void> {
    const { gateway, aliases, rooms } = this.deps;
    await aliases.deleteAlias(row.alias);
    await gateway.leave(row.room_id);
    await rooms.markRemoved(row.room_id, now);
  }

  /** Raises `users` to moderator, keeping the rest of the room's power levels. */
  private async raise(roomId: string, users: string[]): Promise<void> {
    const { gateway } = this.deps;
    const current = (await gateway.getState(roomId, "m.room.power_levels", "")) ?? {};
    const levels =
      current.users && typeof current.users === "object"
        ? { ...(current.users as Record<string, number>) }
        : {};
    const missing = users.filter(
      (u) => !(typeof levels[u] === "number" && levels[u] >= MODERATOR_LEVEL),
    );
    if (missing.length === 0) return;
    for (const u of missing) levels[u] = MODERATOR_LEVEL;
    await gateway.sendState(roomId, "m.room.power_levels", "", { ...current, users: levels });
  }
}

function serverOf(userId: string): string {
  return userId.slice(userId.indexOf(":") + 1);
}
