/**
 * Renders an entry as a Matrix message: a plain `body` always, and an HTML `formatted_body`
 * in Matrix's allowed subset. Feed strings are inserted as escaped text, never as markup,
 * except the summary, which goes through sanitize-html (links http/https/mailto only, no
 * remote images) and is cut *after* sanitising. Pure: no I/O.
 */
import sanitizeHtml from "sanitize-html";
import type { FeedItem } from "./parse";
import { escapeHtml } from "../../util/html";
import {
  AUTHOR_MAX_CHARS,
  boundedRaw,
  cutText,
  FEED_NAME_MAX_CHARS,
  MESSAGE_MAX_BYTES,
  messageBytes,
  TITLE_MAX_CHARS,
} from "./bounds";

export { escapeHtml };

/** The template used when a subscription has none. */
export const DEFAULT_TEMPLATE = "$feed: $linked_title\n$summary";

/** Variables a template may use, longest first (so `$linked_title` is not read as `$link`). */
export const TEMPLATE_VARIABLES = [
  "linked_title",
  "summary",
  "author",
  "title",
  "link",
  "date",
  "feed",
] as const;
const VARIABLE = new RegExp(`\\$(${TEMPLATE_VARIABLES.join("|")})`, "g");

/** Matrix's HTML subset (client-server spec, m.room.message formats), without `img`. */
const ALLOWED_TAGS = [
  "font",
  "del",
  "h1",
  "h2",
  "h3",
  "h4",
  "h5",
  "h6",
  "blockquote",
  "p",
  "a",
  "ul",
  "ol",
  "sup",
  "sub",
  "li",
  "b",
  "i",
  "u",
  "strong",
  "em",
  "strike",
  "code",
  "hr",
  "br",
  "div",
  "table",
  "thead",
  "tbody",
  "tr",
  "th",
  "td",
  "caption",
  "pre",
  "span",
  "details",
  "summary",
  "s",
];

const SANITIZE: sanitizeHtml.IOptions = {
  allowedTags: ALLOWED_TAGS,
  allowedAttributes: {
    a: ["href", "title"],
    // Images are dropped: only mxc:// sources are allowed in Matrix and feeds never have them.
    img: ["src", "alt", "title"],
    code: ["class"],
    ol: ["start"],
  },
  allowedSchemes: ["http", "https", "mailto"],
  allowedSchemesByTag: { img: ["mxc"] },
  allowProtocolRelative: false,
  disallowedTagsMode: "discard",
  // Dropped with their content, not just unwrapped.
  nonTextTags: ["script", "style", "textarea", "option", "noscript", "title", "iframe", "object"],
  transformTags: {
    a: (tagName, attribs) => ({
      tagName,
      attribs: { ...attribs, rel: "noopener", target: "_blank" },
    }),
  },
};

/** The text of some HTML: tags dropped, entities decoded, whitespace collapsed. */
export function htmlToText(html: string): string {
  const escaped = sanitizeHtml(html.replace(/<(br|\/p|\/div|\/li|\/h\d)\b[^>]*>/gi, "$& "), {
    allowedTags: [],
    allowedAttributes: {},
    nonTextTags: SANITIZE.nonTextTags ?? [],
  });
  return escaped
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ")
    .trim();
}

/** Sanitises, then cuts at about `maxChars` of text, closing open tags (sanitize-html again). */
export function sanitizeSummary(html: string, maxChars: number): { html: string; text: string } {
  const clean = sanitizeHtml(html, SANITIZE).trim();
  const text = htmlToText(clean);
  if (text.length <= maxChars) return { html: clean, text };
  // Walk the sanitised HTML counting text characters; cut between tags, never inside one.
  let count = 0;
  let cut = clean.length;
  for (let i = 0; i < clean.length; i++) {
    const ch = clean[i];
    if (ch === "<") {
      i = clean.indexOf(">", i);
      if (i < 0) break;
      continue;
    }
    if (ch === "&") {
      const end = clean.indexOf(";", i);
      if (end > 0 && end - i < 12) i = end;
    }
    if (++count >= maxChars) {
      cut = i + 1;
      break;
    }
  }
  const truncated = sanitizeHtml(clean.slice(0, cut) + "…", SANITIZE);
  return { html: truncated, text: text.slice(0, maxChars).trimEnd() + "…" };
}

export interface RenderContext {
  /** The subscription's label (or the feed's title). */
  feed: string;
  template: string | null;
  summaryMaxChars: number;
}

export interface Rendered {
  plain: string;
  html: string;
}

/**
 * The message for one entry. Lines of the template whose variables are all empty are dropped.
 * Each part is bounded (bounds.ts); a message still over {@link MESSAGE_MAX_BYTES} (a long
 * summary of heavy markup, a template repeating the big parts) gets a shorter summary, and at
 * worst the default template without one.
 */
export function renderItem(item: FeedItem, ctx: RenderContext): Rendered {
  const raw = boundedRaw(item);
  for (let chars = ctx.summaryMaxChars; ; chars = chars < 40 ? 0 : Math.floor(chars / 2)) {
    const rendered = renderBounded(raw, { ...ctx, summaryMaxChars: chars });
    if (messageBytes(rendered) <= MESSAGE_MAX_BYTES) return rendered;
    if (chars === 0) return renderBounded(raw, { ...ctx, template: null, summaryMaxChars: 0 });
  }
}

function renderBounded(item: FeedItem, ctx: RenderContext): Rendered {
  const title = cutText(htmlToText(item.title), TITLE_MAX_CHARS) || (item.link ?? "(untitled)");
  const summary =
    ctx.summaryMaxChars > 0
      ? sanitizeSummary(item.html, ctx.summaryMaxChars)
      : { html: "", text: "" };
  const date = item.date !== null ? formatDate(item.date) : "";
  const link = item.link ?? "";
  const feed = cutText(ctx.feed, FEED_NAME_MAX_CHARS);
  const author = cutText(htmlToText(item.author), AUTHOR_MAX_CHARS);
  const values: Record<(typeof TEMPLATE_VARIABLES)[number], Rendered> = {
    feed: { plain: feed, html: escapeHtml(feed) },
    title: { plain: title, html: escapeHtml(title) },
    link: { plain: link, html: link ? anchor(link, link) : "" },
    linked_title: {
      plain: link ? `${title} (${link})` : title,
      html: link ? anchor(link, title) : escapeHtml(title),
    },
    summary: { plain: summary.text, html: summary.html },
    author: { plain: author, html: escapeHtml(author) },
    date: { plain: date, html: escapeHtml(date) },
  };
  const plainLines: string[] = [];
  const htmlLines: string[] = [];
  for (const line of (ctx.template ?? DEFAULT_TEMPLATE).split(/\r?\n|\\n/)) {
    const used = [...line.matchAll(VARIABLE)].map((m) => m[1] as keyof typeof values);
    if (used.length > 0 && used.every((v) => values[v].plain === "")) continue;
    plainLines.push(
      line.replace(VARIABLE, (_m, v: keyof typeof values) => values[v].plain).trimEnd(),
    );
    const parts = line.split(VARIABLE);
    // split() with a capture group alternates literal text and variable names.
    htmlLines.push(
      parts
        .map((part, i) =>
          i % 2 === 0 ? escapeHtml(part) : values[part as keyof typeof values].html,
        )
        .join(""),
    );
  }
  return { plain: plainLines.join("\n"), html: htmlLines.join("<br>") };
}

function anchor(href: string, text: string): string {
  return `<a href="${escapeHtml(href)}">${escapeHtml(text)}</a>`;
}

/** `2026-05-01 14:03 UTC`. */
export function formatDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace("T", " ") + " UTC";
}

/** Checks a template: known variables only, bounded length; a reason when refused. */
export function checkTemplate(template: string): string | null {
  if (template.length > 1000) return "A template has at most 1000 characters.";
  const unknown = [...template.matchAll(/\$([a-z_]+)/g)]
    .map((m) => m[1] ?? "")
    .filter((name) => !TEMPLATE_VARIABLES.some((v) => name.startsWith(v)));
  if (unknown.length > 0) {
    return `Unknown template variable $${unknown[0]}; use ${TEMPLATE_VARIABLES.map((v) => `$${v}`).join(", ")}.`;
  }
  return null;
}

/**
 * One message for many new entries at once: their linked titles, at most `max` listed, fewer
 * when the list would exceed {@link MESSAGE_MAX_BYTES}.
 */
export function renderDigest(feed: string, items: FeedItem[], max = 20): Rendered {
  const bounded = items.slice(0, max).map(boundedRaw);
  for (let shown = bounded.length; ; shown = Math.floor(shown / 2)) {
    const rendered = digestOf(cutText(feed, FEED_NAME_MAX_CHARS), items.length, bounded, shown);
    if (shown <= 1 || messageBytes(rendered) <= MESSAGE_MAX_BYTES) return rendered;
  }
}

function digestOf(feed: string, total: number, items: FeedItem[], max: number): Rendered {
  const shown = items.slice(0, max);
  const more = total - shown.length;
  const head = `${feed}: ${total} new entries`;
  const plain = [
    head,
    ...shown.map((i) => `• ${titleOf(i)}${i.link ? ` (${i.link})` : ""}`),
    ...(more > 0 ? [`…and ${more} more`] : []),
  ].join("\n");
  const html =
    `${escapeHtml(head)}<ul>` +
    shown
      .map((i) => {
        const title = titleOf(i);
        return `<li>${i.link ? anchor(i.link, title) : escapeHtml(title)}</li>`;
      })
      .join("") +
    `</ul>${more > 0 ? escapeHtml(`…and ${more} more`) : ""}`;
  return { plain, html };
}

function titleOf(item: FeedItem): string {
  return cutText(htmlToText(item.title), TITLE_MAX_CHARS) || item.link || "(untitled)";
}
