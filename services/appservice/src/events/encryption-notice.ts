/**
 * Encrypted rooms are never silent. Atrium's bot cannot decrypt messages (it has no crypto
 * store), so a `!pad` typed in an encrypted room would get no answer. Instead, the bot says once
 * per room and per encryption change (the `m.room.encryption` event) what it can do there: its
 * widgets work, and pads, calls and pages are added from the integration manager, which only
 * writes state events (never encrypted). "Once" is kept in the command ledger under the
 * encryption event's id, so a retried transaction or a restart does not repeat it.
 */
import type { Logger } from "pino";
import type { WorkspaceDeps } from "../service/workspace";
import { escapeHtml } from "../util/html";

/** The notice's text (plain and HTML). */
export function encryptionNoticeText(botUserId: string): { plain: string; html: string } {
  const lines = [
    "This room is end-to-end encrypted, so I cannot read its messages: commands such as `!pad` get no answer here.",
    "Pads, conferences and web pages still work in this room: add them from Room info → Extensions → Add extensions (Atrium's integration manager). Widgets already here keep working, and only members of this room open its pads and calls.",
    `Commands work in unencrypted rooms I am in (invite ${botUserId}), or join #pad_<name> or #meet_<name> for a new room with a pad or a call.`,
  ];
  const html = lines
    .map((l) => `<p>${escapeHtml(l).replace(/`([^`]+)`/g, "<code>$1</code>")}</p>`)
    .join("");
  return { plain: lines.join("\n"), html };
}

export class EncryptionNotice {
  constructor(private readonly deps: Pick<WorkspaceDeps, "store" | "gateway">) {}

  /**
   * Says the notice in `roomId` if the room is encrypted and it was not said for its current
   * encryption event yet. Returns whether it was sent now.
   */
  async maybeSay(roomId: string, log: Logger): Promise<boolean> {
    const { gateway, store } = this.deps;
    const state = await gateway.roomState(roomId);
    const encryption = state.find((e) => e.type === "m.room.encryption" && e.state_key === "");
    if (!encryption) return false;
    const key = `encryption-notice:${roomId}:${encryption.event_id ?? ""}`;
    const seen = await store.claimCommand(key, roomId, gateway.botUserId, "encryption-notice");
    if (seen && seen.outcome !== "pending") return false;
    const { plain, html } = encryptionNoticeText(gateway.botUserId);
    await gateway.sendNotice(roomId, plain, html, key);
    await store.settleCommand(key, "done", "told the room what works when it is encrypted");
    log.info("told an encrypted room how to add widgets without commands");
    return true;
  }
}
