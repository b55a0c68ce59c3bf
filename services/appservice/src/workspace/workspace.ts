/**
 * What Atrium does to a room: add a pad, a conference or a custom widget, remove, pin, carry
 * widgets across a room upgrade. Used by commands, rooms on demand and room-event reactions.
 * Every write is idempotent (stable widget ids, idempotent Etherpad calls, upserts).
 */
import {
  LAYOUT_EVENT_TYPE,
  WIDGET_EVENT_TYPE,
  customWidget,
  etherpadWidget,
  jitsiWidget,
  mergeLayout,
  removedWidgetContent,
  type WidgetContent,
} from "@atrium/widgets";
import { elementJitsiWidgetUrl, jitsiWidgetData } from "@atrium/jitsi";
import type { EtherpadClient } from "@atrium/etherpad";
import type { AtriumConfig } from "../config/schema";
import type { MatrixGateway } from "../matrix/gateway";
import type { Store, WidgetRow } from "../store/store";
import { stableWidgetId } from "./ids";
import { UserFacingError } from "./user-error";
import { describeMatrixError } from "../matrix/errors";

export type EtherpadPort = Pick<
  EtherpadClient,
  | "groupForRoom"
  | "createGroupPad"
  | "deletePad"
  | "deleteSession"
  | "createSession"
  | "authorForUser"
  | "getReadOnlyId"
>;

export interface WorkspaceDeps {
  config: AtriumConfig;
  store: Store;
  gateway: MatrixGateway;
  etherpad: EtherpadPort;
}

export class Workspace {
  constructor(private readonly deps: WorkspaceDeps) {}

  private get config() {
    return this.deps.config;
  }

  /** URL template of the pad page the appservice serves (OpenID → Etherpad session). */
  padWidgetUrl(): string {
    return `${this.config.web.publicUrl}/atrium/pad?roomId=$matrix_room_id&widgetId=$matrix_widget_id`;
  }

  /**
   * The room's pad called `padName`. Names that differ only in case are the same pad: the
   * widget id is made from the lower-cased name, and when the room already has (or had) that
   * widget, its pad and its first spelling are kept, so `!pad notes` after `!pad Notes` brings
   * back "Notes" with its text instead of pointing the widget at a new, empty pad.
   */
  async addPad(roomId: string, padName: string, creator: string): Promise<WidgetRow> {
    const id = stableWidgetId("pad", roomId, padName.toLowerCase());
    const existing = await this.deps.store.widget(roomId, id);
    const deleted =
      !!existing &&
      existing.archived_at !== null &&
      this.config.etherpad.onWidgetRemoved === "delete";
    const name = existing?.kind === "etherpad" ? existing.name : padName;
    let padId = existing?.kind === "etherpad" && !deleted ? existing.pad_id : null;
    if (!padId) {
      const groupId = await this.deps.etherpad.groupForRoom(roomId);
      padId = await this.deps.etherpad.createGroupPad(groupId, name);
    }
    padName = name;
    // The pad id stays out of the room state: with a session for the room's group, whoever
    // knows it could open the editable pad, so members below the edit level only ever learn
    // the read-only id (the pad page looks the pad up in Atrium's store).
    const content = etherpadWidget({
      id,
      creatorUserId: creator,
      name: padName,
      url: this.padWidgetUrl(),
      data: { title: padName, padName },
    });
    return this.place(roomId, content, { kind: "etherpad", pad_id: padId, conference_id: null });
  }

  async addConference(roomId: string, creator: string, roomName: string): Promise<WidgetRow> {
    const id = stableWidgetId("jitsi", roomId);
    const { auth, domain } = this.config.jitsi;
    if (auth === "jwt") {
      // Element builds its own URL for `jitsi` widgets and cannot carry a minted JWT, so JWT
      // deployments get Atrium's conference page, which checks membership and mints one.
      const data = jitsiWidgetData({ domain, roomId, roomName, auth: "jwt" });
      const content = customWidget({
        id,
        creatorUserId: creator,
        name: "Conference",
        url: `${this.config.web.publicUrl}/atrium/conference?roomId=$matrix_room_id&widgetId=$matrix_widget_id`,
        data: { ...data, title: roomName },
      });
      return this.place(roomId, content, {
        kind: "jitsi",
        pad_id: null,
        conference_id: data.conferenceId,
      });
    }
    const data = jitsiWidgetData({
      domain,
      roomId,
      roomName,
      auth: auth === "matrix" ? "openidtoken-jwt" : "none",
    });
    const existing = await this.deps.store.widget(roomId, id);
    const conferenceId =
      auth === "none" && existing?.conference_id ? existing.conference_id : data.conferenceId;
    const content = jitsiWidget({
      id,
      creatorUserId: creator,
      name: "Conference",
      url: elementJitsiWidgetUrl(this.config.jitsi.elementUrl ?? this.config.web.publicUrl),
      data: { ...data, conferenceId },
    });
    return this.place(roomId, content, {
      kind: "jitsi",
      pad_id: null,
      conference_id: conferenceId,
    });
  }

  async addCustom(
    roomId: string,
    url: string,
    name: string,
    creator: string,
    seed: string,
  ): Promise<WidgetRow> {
    const id = stableWidgetId("custom", roomId, seed);
    const content = customWidget({ id, creatorUserId: creator, name, url, data: { title: name } });
    return this.place(roomId, content, { kind: "custom", pad_id: null, conference_id: null });
  }

  private async place(
    roomId: string,
    content: WidgetContent,
    extra: Pick<WidgetRow, "kind" | "pad_id" | "conference_id">,
  ): Promise<WidgetRow> {
    const row: WidgetRow = {
      room_id: roomId,
      widget_id: content.id,
      name: content.name,
      url: content.url,
      creator: content.creatorUserId,
      created_at: Date.now(),
      archived_at: null,
      archived_by: null,
      ...extra,
    };
    // Recorded first, so the pad page finds the pad the moment the widget appears. A crash
    // in between is finished by the durable retry (the command ledger or the inbox). A refused
    // state write puts the row back as it was: the store never lists a widget the room lacks.
    const previous = await this.deps.store.widget(roomId, content.id);
    await this.deps.store.saveWidget(row);
    try {
      await this.deps.gateway.sendState(roomId, WIDGET_EVENT_TYPE, content.id, { ...content });
    } catch (error: unknown) {
      if (previous) await this.deps.store.restoreWidget(previous);
      else await this.deps.store.deleteWidget(roomId, content.id);
      throw new UserFacingError(
        `widget state write failed in ${roomId}: ${describeMatrixError(error)}`,
        `I could not put "${row.name}" in the room: the homeserver refused the widget ` +
          `(${describeMatrixError(error)}). ${previous && previous.archived_at === null ? "The widget that was there is unchanged" : "It is not in the room and Atrium has not recorded it"}` +
          (extra.kind === "etherpad"
            ? "; the pad itself is kept in Etherpad, and the same command puts it in the room once this is fixed."
            : "; try again once this is fixed."),
        "failed",
      );
    }
    return row;
  }

  /** Finds an Atrium widget of the room by name (case-insensitive) or id. */
  async find(roomId: string, nameOrId: string): Promise<WidgetRow> {
    const rows = await this.deps.store.widgetsInRoom(roomId);
    const wanted = nameOrId.trim().toLowerCase();
    const row = rows.find((r) => r.widget_id === nameOrId || r.name.toLowerCase() === wanted);
    if (!row) {
      const names = rows.map((r) => `\`${r.name}\``).join(", ") || "none";
      throw new UserFacingError(
        `no widget ${nameOrId} in ${roomId}`,
        `There is no Atrium widget called "${nameOrId}" here. Widgets in this room: ${names}.`,
      );
    }
    return row;
  }

  /** Removes a widget from the room; its pad is archived (kept) unless configured otherwise. */
  async remove(roomId: string, nameOrId: string, by: string): Promise<WidgetRow> {
    const row = await this.find(roomId, nameOrId);
    await this.deps.gateway.sendState(
      roomId,
      WIDGET_EVENT_TYPE,
      row.widget_id,
      removedWidgetContent(),
    );
    await this.archive(row, by);
    return row;
  }

  /** Records a removal (by a command or by a user's client) and applies the pad policy. */
  async archive(row: WidgetRow, by: string): Promise<void> {
    await this.deps.store.archiveWidget(row.room_id, row.widget_id, by);
    if (
      row.kind === "etherpad" &&
      row.pad_id &&
      this.config.etherpad.onWidgetRemoved === "delete"
    ) {
      await this.deps.etherpad.deletePad(row.pad_id);
    }
  }

  /** Pins the widget to the top of the room, or (`pinned` false) moves it back to the side. */
  async pin(roomId: string, nameOrId: string, pinned = true): Promise<WidgetRow> {
    const row = await this.find(roomId, nameOrId);
    await this.pinWidget(roomId, row.widget_id, pinned);
    return row;
  }

  async pinWidget(roomId: string, widgetId: string, pinned = true): Promise<void> {
    const current = await this.deps.gateway.getState(roomId, LAYOUT_EVENT_TYPE, "");
    const layout = mergeLayout(
      current,
      pinned ? { widgetId, container: "top", height: 40 } : { widgetId, container: "right" },
    );
    await this.deps.gateway.sendState(
      roomId,
      LAYOUT_EVENT_TYPE,
      "",
      layout as unknown as Record<string, unknown>,
    );
  }

  /** A room was renamed: the conference keeps its id and takes the new name. */
  async renameConference(roomId: string, roomName: string): Promise<boolean> {
    const rows = await this.deps.store.widgetsInRoom(roomId);
    const conference = rows.find((r) => r.kind === "jitsi");
    if (!conference) return false;
    await this.addConference(roomId, conference.creator, roomName);
    return true;
  }

  /**
   * A room was upgraded: the same pads and conference appear in the new room (the pad's group
   * stays the old room's, so the content is the same pad).
   */
  async carryOver(oldRoomId: string, newRoomId: string, roomName: string): Promise<number> {
    const rows = await this.deps.store.widgetsInRoom(oldRoomId);
    for (const row of rows) {
      if (row.kind === "jitsi" && this.config.jitsi.auth !== "none") {
        // Authenticated conferences are named after the room id (prosody checks it), so the
        // new room gets its own conference id.
        await this.addConference(newRoomId, row.creator, roomName);
        continue;
      }
      const state = await this.deps.gateway.getState(oldRoomId, WIDGET_EVENT_TYPE, row.widget_id);
      if (!state || typeof state.url !== "string") continue;
      const content = { ...(state as unknown as WidgetContent) };
      if (row.kind === "jitsi" && content.data) content.data = { ...content.data, roomName };
      await this.deps.store.saveWidget({ ...row, room_id: newRoomId, created_at: Date.now() });
      await this.deps.gateway.sendState(
        newRoomId,
        WIDGET_EVENT_TYPE,
        row.widget_id,
        content as unknown as Record<string, unknown>,
      );
    }
    const layout = await this.deps.gateway.getState(oldRoomId, LAYOUT_EVENT_TYPE, "");
    if (layout) await this.deps.gateway.sendState(newRoomId, LAYOUT_EVENT_TYPE, "", layout);
    return rows.length;
  }
}
