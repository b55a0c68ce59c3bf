/** Escapes text for HTML element content and attribute values (the one escape of Atrium). */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

/** What an Atrium page says; the shell around it is {@link htmlDocument}'s. */
export interface HtmlPage {
  /** Plain text: escaped here. */
  title: string;
  /** Relative to the page, so it works under any prefix the proxy gives /atrium. */
  stylesheets: string[];
  /** Scripts loaded in the head, before the body exists (the widget page's token scrub). */
  headScripts?: string[];
  /** Scripts loaded at the end of the body. */
  bodyScripts?: string[];
  /** Seconds after which the browser reloads the page. */
  refreshSeconds?: number;
  /** `data-*` attributes of the body (names without `data-`); values are escaped here. */
  data: Record<string, string>;
  /** The body's markup: the caller escapes what it puts in. */
  body: string;
}

/**
 * The one HTML shell of the appservice's own pages: phone-width viewport, no referrer (a page
 * address can carry a ticket or a view token), no inline script or style, so the pages' CSP can
 * forbid both.
 */
export function htmlDocument(page: HtmlPage): string {
  const head = [
    `<meta charset="utf-8">`,
    `<meta name="viewport" content="width=device-width, initial-scale=1">`,
    `<meta name="referrer" content="no-referrer">`,
    ...(page.refreshSeconds
      ? [`<meta http-equiv="refresh" content="${page.refreshSeconds}">`]
      : []),
    `<title>${escapeHtml(page.title)}</title>`,
    ...(page.headScripts ?? []).map((src) => `<script src="${escapeHtml(src)}"></script>`),
    ...page.stylesheets.map((href) => `<link rel="stylesheet" href="${escapeHtml(href)}">`),
  ];
  const data = Object.entries(page.data)
    .map(([name, value]) => ` data-${name}="${escapeHtml(value)}"`)
    .join("");
  const tail = (page.bodyScripts ?? []).map(
    (src) => `<script src="${escapeHtml(src)}"></script>\n`,
  );
  return `<!doctype html>
<html lang="en">
<head>
${head.join("\n")}
</head>
<body${data}>
${page.body}
${tail.join("")}</body>
</html>
`;
}
