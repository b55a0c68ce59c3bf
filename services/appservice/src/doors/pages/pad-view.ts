/**
 * The read-only view of a pad, served by Atrium itself. Etherpad's sessions are per group: any
 * session of a room's group opens every pad of that room (archived ones too) for writing,
 * whatever URL the browser was sent to, and Etherpad 1.8/2.x (with `requireSession`) will not
 * show even a read-only id (`r.…`) without one. So a member below the edit level holds no
 * Etherpad session at all: they get a view link instead, a random 256-bit capability bound to
 * (room, widget, user), and every load of it checks their membership and level again and reads
 * the pad's current text through Etherpad's API. Leaving the room ends the view at the next
 * load; nothing to revoke on Etherpad.
 *
 * Kept in memory, like own-tab tickets: a restart only costs reopening the widget.
 */
import { digestIfSecret, keepBounded, newSecret, secretDigest } from "../../util/secrets";
import { escapeHtml, htmlDocument } from "../../util/html";

/** A view link's lifetime is bounded like a session's (`etherpad.sessionSeconds`). */
export interface ReadOnlyView {
  roomId: string;
  widgetId: string;
  userId: string;
  expiresAt: number;
}

/** View links held at once; past this the oldest are dropped (each needed a verified member). */
export const MAX_VIEWS = 20_000;
/** Seconds between reloads of the view page, so a reader follows the pad. */
export const VIEW_REFRESH_SECONDS = 10;

export class ReadOnlyViews {
  /** By SHA-256 of the token: a heap dump does not hold usable links. */
  private readonly views = new Map<string, ReadOnlyView>();

  constructor(private readonly now: () => number = Date.now) {}

  /** A new view link for `what`, valid for `seconds`. */
  issue(what: Omit<ReadOnlyView, "expiresAt">, seconds: number): string {
    const token = newSecret();
    const view = { ...what, expiresAt: this.now() + seconds * 1000 };
    keepBounded(this.views, secretDigest(token), view, MAX_VIEWS, this.now());
    return token;
  }

  /** The view behind `token` while it is valid (it stays valid: a view is loaded repeatedly). */
  find(token: string): ReadOnlyView | undefined {
    const key = digestIfSecret(token);
    if (key === null) return undefined;
    const view = this.views.get(key);
    if (view && view.expiresAt <= this.now()) {
      this.views.delete(key);
      return undefined;
    }
    return view;
  }
}

/** The path of a view link under the web listener. */
export function viewPath(token: string): string {
  return `/atrium/pad/view/${token}`;
}

/**
 * Pages that show pad text: no script at all, styles from here only, nothing framed, nothing
 * submitted. The text is escaped, and the CSP is a second wall.
 */
export const VIEW_CSP =
  "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'";

/** The read-only page: the pad's text as it is now, reloaded every {@link VIEW_REFRESH_SECONDS}. */
export function viewPage(text: string): string {
  return htmlDocument({
    title: "Pad (read-only)",
    refreshSeconds: VIEW_REFRESH_SECONDS,
    stylesheets: ["../../static/widget-page.css", "../../static/pad-view.css"],
    data: { state: "read-only" },
    body: `<main class="pad-view">
<p role="status">Read-only: your power level in this room does not let you edit this pad. It updates every ${VIEW_REFRESH_SECONDS} seconds.</p>
<pre id="pad-text">${escapeHtml(text)}</pre>
</main>`,
  });
}

/** The view's own styles: the text wraps (a phone is 360px wide) and keeps its line breaks. */
export const PAD_VIEW_CSS = `main.pad-view { max-width: 48rem; margin: 0 auto; padding: 12px; }
#pad-text { white-space: pre-wrap; overflow-wrap: anywhere; font: 15px/1.5 Inter, system-ui, sans-serif; margin: 0; }
`;
