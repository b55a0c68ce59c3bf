/** The HTML of the pad and conference widget pages (no inline script, no secrets). */
import { escapeHtml, htmlDocument } from "../../util/html";

export type PageKind = "pad" | "conference";

const TITLES: Record<PageKind, string> = {
  pad: "Opening the pad…",
  conference: "Opening the call…",
};

/**
 * A widget page. Links are relative, so the page works under any prefix the proxy gives
 * /atrium (e.g. the pad domain in production). The page script comes first, in the head: it
 * takes an IM token Element may have appended out of the address before anything else runs.
 */
export function widgetPage(kind: PageKind, padOrigin = ""): string {
  const endpoint = kind === "pad" ? "pad/session" : "conference/token";
  return htmlDocument({
    title: TITLES[kind],
    headScripts: ["static/widget-page.js"],
    stylesheets: ["static/widget-page.css"],
    bodyScripts: ["static/matrix-widget-api.js"],
    data: { kind, endpoint, "pad-origin": padOrigin, state: "waiting" },
    body: `<main>
<p id="status" role="status">Waiting for your Matrix client…</p>
<p id="error" role="alert" hidden></p>
<p id="actions" hidden>
<button type="button" id="own-tab">Open in its own tab</button>
<button type="button" id="allow-here" hidden>Allow the pad here</button>
</p>
</main>`,
  });
}

/**
 * A page that only says something (a refused own-tab ticket, …): `title` as its heading,
 * `message` below. Both are escaped.
 */
export function messagePage(title: string, message: string): string {
  return htmlDocument({
    title,
    stylesheets: ["../static/widget-page.css"],
    data: { state: "refused" },
    body: `<main>
<h1>${escapeHtml(title)}</h1>
<p id="error" role="alert">${escapeHtml(message)}</p>
</main>`,
  });
}

/**
 * Pages may be framed by any Matrix client, but load scripts and styles only from here and talk
 * only to this origin.
 */
export const PAGE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; " +
  "img-src 'self'; base-uri 'none'; form-action 'none'";
