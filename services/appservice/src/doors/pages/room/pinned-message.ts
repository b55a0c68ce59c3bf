/**
 * The one pinned message per room with the workspace link (Element X, Cinny and FluffyChat show
 * pinned messages at the top of the room). It is posted when the room first has an Atrium
 * widget, pinned when the bot has the power (and, when not, the room is told once what to
 * grant), and edited in place (`m.replace`) when the widgets change, never posted again; its
 * event id is kept in the store, so a restart edits the same message.
 */
import { createHash } from "node:crypto";
import type { Logger } from "pino";
import type { MatrixGateway, MessageSender } from "../../../matrix/gateway";
import { powerContextFrom, stateLevel, userLevel } from "../../../matrix/power";
import type { Store, WidgetRow } from "../../../store/store";
import { escapeHtml } from "../../../util/html";
import { workspaceUrl } from "./links";
import type { WorkspacePageStore } from "./store";

export const PINNED_EVENTS = "m.room.pinned_events";

/** What the keeper needs of the homeserver, as the bot. */
export type PinPort = Pick<MatrixGateway, "botUserId" | "roomState" | "sendState"> & MessageSender;

export interface PinDeps {
  port: PinPort;
  store: Pick<Store, "widgetsInRoom">;
  pins: Pick<WorkspacePageStore, "pinOf" | "savePin">;
  publicUrl: string;
  log: Logger;
}

const KIND: Record<WidgetRow["kind"], string> = {
  etherpad: "pad",
  custom: "web page",
  jitsi: "conference",
};

/** The message's text and HTML for the room's widgets now. */
export function workspaceMessage(
  publicUrl: string,
  roomId: string,
  rows: WidgetRow[],
): { plain: string; html: string } {
  const room = workspaceUrl(publicUrl, roomId);
  const items = rows.filter((r) => r.kind !== "jitsi");
  const intro = "This room's workspace — its pads, web pages and call, in any Matrix client:";
  const plainItems = items.map(
    (r) => `• ${r.name} (${KIND[r.kind]}): ${workspaceUrl(publicUrl, roomId, r.widget_id)}`,
  );
  const htmlItems = items.map(
    (r) =>
      `<li><a href="${escapeHtml(workspaceUrl(publicUrl, roomId, r.widget_id))}">${escapeHtml(r.name)}</a> (${KIND[r.kind]})</li>`,
  );
  const plain = [`${intro} ${room}`, ...plainItems].join("\n");
  const html =
    `${escapeHtml(intro)} <a href="${escapeHtml(room)}">${escapeHtml(room)}</a>` +
    (htmlItems.length ? `<ul>${htmlItems.join("")}</ul>` : "");
  return { plain, html };
}

export class WorkspacePins {
  constructor(private readonly deps: PinDeps) {}

  /**
   * The room's widgets changed (`cause` is the event that changed them): post, or edit, the
   * workspace message and keep it pinned. Never throws: the room's other work goes on.
   */
  async widgetsChanged(roomId: string, cause: string): Promise<void> {
    try {
      await this.update(roomId, cause);
    } catch (error: unknown) {
      this.deps.log.warn({ err: error, room_id: roomId }, "could not update the workspace message");
    }
  }

  private async update(roomId: string, cause: string): Promise<void> {
    const { port, pins } = this.deps;
    const [rows, existing] = await Promise.all([
      this.deps.store.widgetsInRoom(roomId),
      pins.pinOf(roomId),
    ]);
    if (rows.length === 0 && !existing) return;
    const { plain, html } = workspaceMessage(this.deps.publicUrl, roomId, rows);
    const textHash = createHash("sha256").update(plain).digest("base64url");
    if (existing?.text_hash === textHash) return;
    const content = {
      msgtype: "m.notice",
      body: plain,
      format: "org.matrix.custom.html",
      formatted_body: html,
    };
    let eventId: string;
    if (existing) {
      eventId = existing.event_id;
      await port.sendMessage(
        roomId,
        {
          ...content,
          body: `* ${plain}`,
          formatted_body: `* ${html}`,
          "m.new_content": content,
          "m.relates_to": { rel_type: "m.replace", event_id: eventId },
        },
        `workspace-edit:${roomId}:${cause}`,
      );
    } else {
      // The same transaction id on a retry: a crash before the store write never posts twice.
      eventId = await port.sendMessage(roomId, content, `workspace-message:${roomId}`);
    }
    const askedAt = await this.keepPinned(roomId, eventId, existing?.asked_power_at ?? null);
    await pins.savePin({
      room_id: roomId,
      event_id: eventId,
      text_hash: textHash,
      asked_power_at: askedAt,
      updated_at: Date.now(),
    });
    this.deps.log.info({ room_id: roomId, edited: !!existing }, "workspace message up to date");
  }

  /** Pins the message if it is not; without the power, says once what to grant. */
  private async keepPinned(
    roomId: string,
    eventId: string,
    askedAt: number | null,
  ): Promise<number | null> {
    const { port } = this.deps;
    const state = await port.roomState(roomId);
    const current = state.find((e) => e.type === PINNED_EVENTS && e.state_key === "")?.content;
    const pinned = Array.isArray(current?.pinned)
      ? current.pinned.filter((p): p is string => typeof p === "string")
      : [];
    if (pinned.includes(eventId)) return askedAt;
    const ctx = powerContextFrom(state);
    const needed = stateLevel(ctx.powerLevels, PINNED_EVENTS);
    const botLevel = userLevel(ctx, port.botUserId);
    if (botLevel >= needed) {
      await port.sendState(roomId, PINNED_EVENTS, "", { ...current, pinned: [...pinned, eventId] });
      return askedAt;
    }
    if (askedAt !== null) return askedAt;
    const text =
      `To keep the workspace link pinned at the top of this room, I need power level ${needed} ` +
      `(I have ${botLevel}): grant it in the room settings (Roles & Permissions), or pin my message with the link yourself.`;
    await port.sendMessage(
      roomId,
      {
        msgtype: "m.notice",
        body: text,
        format: "org.matrix.custom.html",
        formatted_body: escapeHtml(text),
      },
      `workspace-pin-power:${roomId}`,
    );
    return Date.now();
  }
}
