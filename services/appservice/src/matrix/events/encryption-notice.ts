/**
 * The notice for encrypted rooms, said only where the bot cannot read: on a deployment whose
 * operator turned encryption off (`encryption.enabled: false`). With encryption on (the
 * default) the bot decrypts commands and encrypts its replies, so there is nothing to say.
 * It is said once per room and per encryption change (the `m.room.encryption` event); "once"
 * is kept in the command ledger under the encryption event's id, so a retried transaction or
 * a restart does not repeat it.
 */
import type { Logger } from "pino";
import type { WorkspaceDeps } from "../../workspace/workspace";
import { escapeHtml } from "../../util/html";

/** The notice's text (plain and HTML). */
export function encryptionNoticeText(botUserId: string): { plain: string; html: string } {
  const lines = [
    "This room is end-to-end encrypted, and encryption is turned off for me on this server (its operator set `encryption.enabled: false`), so I cannot read its messages: commands such as `!pad` get no answer here.",
    "Pads, conferences and web pages still work in this room: add them from Room info → Extensions → Add extensions (Atrium's integration manager). Widgets already here keep working, and only members of this room open its pads and calls.",
    `Commands work in unencrypted rooms I am in (invite ${botUserId}), or join #pad_<name> or #meet_<name> for a new room with a pad or a call.`,
  ];
  const html = lines
    .map((l) => `<p>${escapeHtml(l).replace(/`([^`]+)`/g, "<code>$1</code>")}</p>`)
    .join("");
  return { plain: lines.join("\n"), html };
}

export class EncryptionNotice {
  constructor(private readonly deps: Pick<WorkspaceDeps, "store" | "gateway" | "config">) {}

  /**
   * Says the notice in `roomId` if the room is encrypted and it was not said for its current
   * encryption event yet. Returns whether it was sent now.
   */
  async maybeSay(roomId: string, log: Logger): Promise<boolean> {
    const { gateway, store, config } = this.deps;
    // The bot reads encrypted rooms: commands work there like anywhere else.
    if (config.encryption.enabled) return false;
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
