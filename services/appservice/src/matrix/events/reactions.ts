/**
 * Keeps rooms consistent as they change: invites, the third member, members leaving,
 * widgets removed by users, room upgrades and renames.
 */
import type { RoomEvent } from "../gateway";
import type { Logger } from "pino";
import { WIDGET_EVENT_TYPE } from "@atrium/widgets";
import type { Workspace, WorkspaceDeps } from "../../workspace/workspace";
import { humanMembers } from "./members";
import type { RoomsOnDemand } from "../../workspace/rooms-on-demand";
import { powerContextFrom, userLevel } from "../power";
import { EncryptionNotice } from "./encryption-notice";
import { PadRevocations } from "../../store/pad-revocations";
import type { CallService } from "../../doors/calls/service";
import type { WorkspacePins } from "../../doors/pages/room/pinned-message";

export type { RoomEvent };

export class Reactions {
  private readonly encryption: EncryptionNotice;

  constructor(
    private readonly deps: WorkspaceDeps & {
      workspace: Workspace;
      roomsOnDemand?: Pick<RoomsOnDemand, "onJoin">;
      /** MatrixRTC calls, when on: a member who leaves is removed from the SFU. */
      calls?: Pick<CallService, "memberGone">;
      /** Durable pad-session revocations; default: over `store.db`. */
      revocations?: Pick<PadRevocations, "schedule" | "run">;
      /** The workspace page's pinned message, edited when the room's widgets change. */
      workspacePins?: Pick<WorkspacePins, "widgetsChanged">;
      /** The workspace page's sessions: someone who shares no room any more is signed out. */
      workspaceSessions?: { memberLeft(userId: string): Promise<void> };
    },
  ) {
    this.encryption = new EncryptionNotice(deps);
  }

  private get bot(): string {
    return this.deps.gateway.botUserId;
  }

  async onMember(event: RoomEvent, log: Logger): Promise<void> {
    const target = event.state_key ?? "";
    const membership = event.content.membership;
    if (target === this.bot) {
      if (membership === "invite") await this.onInvite(event, log);
      if (membership === "join") await this.encryption.maybeSay(event.room_id, log);
      return;
    }
    if (membership === "join") {
      await this.deps.roomsOnDemand?.onJoin(event.room_id, target, log);
      await this.maybeAddConference(event.room_id, log);
    }
    if (membership === "leave" || membership === "ban") {
      await this.endPadSessions(event.room_id, target, log, membership);
      const reason = membership === "ban" ? "ban" : event.sender === target ? "leave" : "kick";
      await this.deps.calls?.memberGone(event.room_id, target, reason);
      await this.deps.workspaceSessions?.memberLeft(target);
    }
  }

  private async onInvite(event: RoomEvent, log: Logger): Promise<void> {
    const server = event.sender.split(":").slice(1).join(":");
    const allowed = this.deps.config.permissions.allowedServers ?? [
      this.deps.config.homeserver.domain,
    ];
    if (!allowed.includes(server)) {
      log.warn({ inviter: event.sender }, "refusing an invite from a server that is not allowed");
      await this.deps.gateway.leave(event.room_id);
      return;
    }
    await this.deps.gateway.join(event.room_id);
    log.info("joined on invite");
  }

  /** The seed's rule: from the third participant on, the conference is used. */
  private async maybeAddConference(roomId: string, log: Logger): Promise<void> {
    const perRoom = await this.deps.store.autoConference(roomId);
    const enabled = perRoom ?? this.deps.config.jitsi.autoConference;
    if (!enabled) return;
    const rows = await this.deps.store.widgetsInRoom(roomId);
    if (rows.some((r) => r.kind === "jitsi")) return;
    const members = humanMembers(await this.deps.gateway.joinedMembers(roomId), this.deps.config);
    if (members.length < 3) return;
    const nameEvent = await this.deps.gateway.getState(roomId, "m.room.name", "");
    const roomName =
      typeof nameEvent?.name === "string" && nameEvent.name ? nameEvent.name : "Conference";
    await this.deps.workspace.addConference(roomId, this.bot, roomName);
    await this.deps.gateway.sendNotice(
      roomId,
      "Three people are here, so I added the conference (microphones start muted).",
      "Three people are here, so I added the conference (microphones start muted).",
      `auto-conference:${roomId}`,
    );
    log.info({ members: members.length }, "added the conference for the third member");
  }

  private revocationsStore?: Pick<PadRevocations, "schedule" | "run">;

  private get revocations(): Pick<PadRevocations, "schedule" | "run"> {
    this.revocationsStore ??= this.deps.revocations ?? new PadRevocations(this.deps.store.db);
    return this.revocationsStore;
  }

  /**
   * A member who left, was banned or demoted loses every pad session Atrium opened for this
   * room. The revocations are recorded first (durably, store/pad-revocations.ts) and tried at
   * once; what Etherpad does not confirm now is retried until it does, and the member's pad
   * opens are refused meanwhile. So an Etherpad outage never drops a revocation (issue 22
   * item 4), and the event is done once the revocation is recorded.
   */
  async endPadSessions(
    roomId: string,
    userId: string,
    log: Logger,
    reason = "leave",
  ): Promise<number> {
    const moved = await this.revocations.schedule(roomId, userId, reason);
    if (moved === 0) return 0;
    const { done, failed } = await this.revocations.run(this.deps.etherpad, { roomId, userId });
    if (failed > 0) {
      log.warn(
        { user: userId, ended: done, pending: failed },
        "Etherpad did not confirm ending pad sessions; retrying until it does",
      );
    } else log.info({ user: userId, count: done }, "ended pad sessions");
    return moved;
  }

  /** A widget changed: a removal by a user is archived; the workspace message follows. */
  async onWidget(event: RoomEvent, log: Logger): Promise<void> {
    await this.archiveRemoved(event, log);
    await this.deps.workspacePins?.widgetsChanged(event.room_id, event.event_id);
  }

  /** A user removed one of Atrium's widgets from their client: record it, archive the pad. */
  private async archiveRemoved(event: RoomEvent, log: Logger): Promise<void> {
    if (event.sender === this.bot || !event.state_key) return;
    if (Object.keys(event.content).length > 0 && typeof event.content.url === "string") return;
    const row = await this.deps.store.widget(event.room_id, event.state_key);
    if (!row || row.archived_at !== null) return;
    await this.deps.workspace.archive(row, event.sender);
    log.info({ widget: row.widget_id, by: event.sender }, "widget removed by a user; archived");
  }

  /**
   * A room was upgraded: follow it and carry the widgets over, but only to a room that says it
   * continues this one (its m.room.create names this room as `predecessor`). Anyone with the
   * power to send a tombstone could otherwise point it at a room of their own and have the
   * bot copy every pad and widget there.
   */
  async onTombstone(event: RoomEvent, log: Logger): Promise<void> {
    const next = event.content.replacement_room;
    if (typeof next !== "string" || !next.startsWith("!")) return;
    await this.deps.gateway.join(next);
    const create = await this.deps.gateway.getState(next, "m.room.create", "");
    const predecessor = create?.predecessor as { room_id?: unknown } | undefined;
    if (predecessor?.room_id !== event.room_id) {
      log.warn(
        { replacement: next, predecessor: predecessor?.room_id ?? null },
        "a tombstone points at a room that does not continue this one; not following it",
      );
      await this.deps.gateway.leave(next);
      return;
    }
    const nameEvent = await this.deps.gateway.getState(next, "m.room.name", "");
    const roomName =
      typeof nameEvent?.name === "string" && nameEvent.name ? nameEvent.name : "Conference";
    const count = await this.deps.workspace.carryOver(event.room_id, next, roomName);
    log.info({ replacement: next, widgets: count }, "carried widgets to the upgraded room");
  }

  /** The room became encrypted (or changed its encryption): say what still works. */
  async onEncryption(event: RoomEvent, log: Logger): Promise<void> {
    await this.encryption.maybeSay(event.room_id, log);
  }

  /**
   * Someone wrote in an encrypted room (perhaps a command the bot cannot read). Rooms that
   * were encrypted before the bot learned to say so get the notice here, once.
   */
  async onEncrypted(event: RoomEvent, log: Logger): Promise<void> {
    if (event.sender === this.bot) return;
    await this.encryption.maybeSay(event.room_id, log);
  }

  /**
   * Power levels changed: a member now below the pad edit level loses the pad sessions Atrium
   * opened (a group session opens every pad of the room for writing, whatever URL it came
   * with). The next time they open the pad they get the read-only view and no session.
   */
  async onPowerLevels(event: RoomEvent, log: Logger): Promise<void> {
    const editLevel = this.deps.config.permissions.padEditPowerLevel;
    const users = await this.deps.store.padSessionUsers(event.room_id);
    if (users.length === 0) return;
    const ctx = powerContextFrom(await this.deps.gateway.roomState(event.room_id));
    for (const user of users) {
      if (userLevel(ctx, user) < editLevel) {
        await this.endPadSessions(event.room_id, user, log, "demoted");
      }
    }
  }

  async onRename(event: RoomEvent, log: Logger): Promise<void> {
    if (event.sender === this.bot) return;
    const name = event.content.name;
    if (typeof name !== "string" || !name) return;
    if (await this.deps.workspace.renameConference(event.room_id, name)) {
      log.info("renamed the conference");
    }
  }
}

export { WIDGET_EVENT_TYPE };
