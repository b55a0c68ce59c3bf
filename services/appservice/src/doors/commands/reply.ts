/** Replies in rooms: m.notice with a plain and an HTML body. */
import { escapeHtml } from "../../util/html";

export interface Reply {
  plain: string;
  html: string;
}

/** A reply from plain text; `code` spans (`like this`) become <code> in the HTML body. */
export function reply(text: string): Reply {
  const html = escapeHtml(text)
    .replace(/`([^`]+)`/g, "<code>$1</code>")
    // Links are links in every client (some do not linkify HTML bodies themselves).
    .replace(
      /https?:\/\/[^\s<]+?(?=&quot;|&#39;|[.,;:!?)]?(?:[\s<]|$))/g,
      (url) => `<a href="${url}">${url}</a>`,
    )
    .replace(/\n/g, "<br>");
  return { plain: text.replace(/`/g, ""), html };
}

export const HELP_TEXT = [
  "Atrium adds shared pads, conferences and web pages to this room:",
  "`!pad <name>` — a shared Etherpad (name: fewer than 16 characters)",
  "`!meet` (or `!jitsi`, `!conference`) — a Jitsi conference, starting with microphones muted; add `--force` in a room of two",
  "`!widget <url> [name]` — any http(s) web page as a widget",
  "`!widgets` — what Atrium placed here, with links that open it in any Matrix client",
  "`!remove <name>` — remove a widget (pads are archived, not deleted)",
  "`!pin <name>` — pin a widget to the top of the room",
  "`!unpin <name>` — move a pinned widget back to the side (it stays in the room)",
  "`!autoconference on|off|default` — bring the conference in when a third member joins",
  "`!feed add <url> [label]` — post a feed's new entries here (`!feed help` for more)",
  "`!help` — this message",
].join("\n");
