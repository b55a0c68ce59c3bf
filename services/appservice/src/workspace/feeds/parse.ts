/**
 * Turns a fetched feed document (RSS 0.9x/2.0, RDF, Atom or JSON Feed, read by feedsmith) into
 * Atrium's entries with their dedupe keys. Pure: no I/O. The bytes are decoded by their
 * declared charset (BOM, XML declaration, Content-Type; windows-1252 and the rest through the
 * WHATWG decoders); XML with an internal DTD subset is refused before any parser sees it.
 */
import { createHash } from "node:crypto";
import { parseFeed } from "feedsmith";

/** Dedupe keys carry a version, so a future change of scheme can tell old keys apart. */
export const KEY_VERSION = 1;

export interface FeedItem {
  /** Primary dedupe key: guid/id, else the normalised link, else a hash of title and text. */
  key: string;
  /** The normalised-link key when the link is unique in the document and not the primary key. */
  linkKey: string | null;
  /** Plain text. */
  title: string;
  /** Absolute http(s) URL of the entry, if any. */
  link: string | null;
  /** The entry's HTML (summary or content), unsanitised: render.ts sanitises it. */
  html: string;
  author: string;
  /** Publication (or update) time, unix ms. */
  date: number | null;
  /** Hash of title, link and text: tells an edited entry apart. */
  contentHash: string;
}

export interface ParsedFeed {
  format: "rss" | "atom" | "rdf" | "json";
  title: string;
  /** Newest first where dates say so; otherwise document order (feeds list newest first). */
  items: FeedItem[];
  /** What the feed asks for (RSS ttl, sy:updatePeriod), seconds; null when it says nothing. */
  intervalHintSeconds: number | null;
}

/** A document that is not a feed Atrium reads; the message is for people. */
export class FeedParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FeedParseError";
  }
}

/** Decodes the body: BOM first, then the XML declaration, then the HTTP charset, else UTF-8. */
export function decodeBody(body: Buffer, contentType: string | undefined): string {
  if (body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) {
    return new TextDecoder("utf-8").decode(body.subarray(3));
  }
  if (body[0] === 0xff && body[1] === 0xfe)
    return new TextDecoder("utf-16le").decode(body.subarray(2));
  if (body[0] === 0xfe && body[1] === 0xff)
    return new TextDecoder("utf-16be").decode(body.subarray(2));
  const head = body.subarray(0, 256).toString("latin1");
  const declared = /^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']/.exec(head)?.[1];
  const header = /charset\s*=\s*"?([A-Za-z0-9._:-]+)/i.exec(contentType ?? "")?.[1];
  for (const label of [declared, header]) {
    if (!label) continue;
    try {
      return new TextDecoder(label.toLowerCase()).decode(body);
    } catch {
      // An unknown label: try the next source, then UTF-8.
    }
  }
  return new TextDecoder("utf-8").decode(body);
}

/**
 * Parses a decoded document. Refuses an internal DTD subset (`<!DOCTYPE x [ … ]>`) or any
 * `<!ENTITY`: no feed needs one, and entity expansion is how billion-laughs attacks work.
 */
export function parseDocument(text: string, feedUrl: string, maxItems: number): ParsedFeed {
  const start = text.trimStart();
  if (start.startsWith("<")) {
    if (/<!DOCTYPE[^>[]*\[/i.test(text) || /<!ENTITY/i.test(text)) {
      throw new FeedParseError(
        "the document declares its own DTD entities (refused: entity expansion is an attack vector)",
      );
    }
  }
  let parsed: ReturnType<typeof parseFeed>;
  try {
    parsed = parseFeed(start);
  } catch (error: unknown) {
    throw new FeedParseError(
      `not an RSS, Atom, RDF or JSON feed (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  const feed = parsed.feed as unknown as Obj;
  const raw = (parsed.format === "atom" ? arr(feed.entries) : arr(feed.items)).slice(0, maxItems);
  const entries = raw.map((e) => entryOf(parsed.format, e as Obj, feedUrl));
  const items = withKeys(entries);
  if (items.every((i) => i.date !== null)) items.sort((a, b) => (b.date ?? 0) - (a.date ?? 0));
  return {
    format: parsed.format,
    title: text1(feed.title) || feedUrl,
    items,
    intervalHintSeconds: intervalHint(parsed.format, feed),
  };
}

type Obj = Record<string, unknown>;
type Entry = Omit<FeedItem, "key" | "linkKey"> & { id: string | null };

function arr(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** A string from a plain string or feedsmith's `{ value }` text constructs. */
function text1(value: unknown): string {
  if (typeof value === "string") return value.trim();
  if (typeof value === "number") return String(value);
  if (value && typeof value === "object" && "value" in value) return text1((value as Obj).value);
  return "";
}

function obj(value: unknown): Obj {
  return value && typeof value === "object" ? (value as Obj) : {};
}

function names(value: unknown): string {
  return arr(value)
    .map((a) => (typeof a === "string" ? a : text1(obj(a).name)))
    .filter(Boolean)
    .join(", ");
}

function entryOf(format: ParsedFeed["format"], e: Obj, feedUrl: string): Entry {
  let id: string | null;
  let link: string | null;
  let html: string;
  let author: string;
  let dateText: string;
  const dc = obj(e.dc);
  if (format === "rss") {
    id = text1(e.guid) || null;
    link = text1(e.link) || null;
    html = text1(obj(e.content).encoded) || text1(e.description);
    author = names(dc.creators) || text1(dc.creator) || names(e.authors);
    dateText = text1(e.pubDate) || text1(dc.date);
  } else if (format === "atom") {
    id = text1(e.id) || null;
    const links = arr(e.links).map(obj);
    const alt = links.find((l) => !l.rel || l.rel === "alternate") ?? links[0];
    link = alt ? text1(alt.href) || null : null;
    html = text1(e.content) || text1(e.summary);
    author = names(e.authors);
    dateText = text1(e.published) || text1(e.updated);
  } else if (format === "rdf") {
    id = text1(obj(e.rdf).about) || null;
    link = text1(e.link) || null;
    html = text1(obj(e.content).encoded) || text1(e.description);
    author = names(dc.creators) || text1(dc.creator);
    dateText = text1(dc.date) || names(dc.dates);
  } else {
    id = text1(e.id) || null;
    link = text1(e.url) || text1(e.external_url) || null;
    html =
      text1(e.content_html) || escapeText(text1(e.content_text)) || escapeText(text1(e.summary));
    author = names(e.authors) || text1(obj(e.author).name);
    dateText = text1(e.date_published) || text1(e.date_modified);
  }
  const title = text1(e.title);
  const absolute = absoluteLink(link, feedUrl);
  const parsedDate = dateText ? Date.parse(dateText) : NaN;
  return {
    id,
    title,
    link: absolute,
    html,
    author,
    date: Number.isFinite(parsedDate) ? parsedDate : null,
    contentHash: sha256(`${title}\u0000${absolute ?? ""}\u0000${html}`),
  };
}

function escapeText(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Resolves an entry link against the feed URL; http(s) only. */
function absoluteLink(link: string | null, base: string): string | null {
  if (!link) return null;
  try {
    const url = new URL(link, base);
    return url.protocol === "http:" || url.protocol === "https:" ? url.toString() : null;
  } catch {
    return null;
  }
}

/** The link as a dedupe key: no fragment, no utm_* tracking, lower-case host, sorted query. */
export function normaliseLink(link: string): string {
  const url = new URL(link);
  url.hash = "";
  for (const name of [...url.searchParams.keys()]) {
    if (/^utm_/i.test(name)) url.searchParams.delete(name);
  }
  url.searchParams.sort();
  return url.toString();
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

function withKeys(entries: Entry[]): FeedItem[] {
  const linkCount = new Map<string, number>();
  for (const e of entries) {
    if (e.link)
      linkCount.set(normaliseLink(e.link), (linkCount.get(normaliseLink(e.link)) ?? 0) + 1);
  }
  return entries.map(({ id, ...e }) => {
    const normal = e.link ? normaliseLink(e.link) : null;
    const uniqueLink = normal !== null && linkCount.get(normal) === 1;
    const linkKey = uniqueLink ? `${KEY_VERSION}:l:${normal}` : null;
    let key: string;
    if (id) key = `${KEY_VERSION}:g:${id.slice(0, 1000)}`;
    else if (linkKey) key = linkKey;
    else key = `${KEY_VERSION}:h:${sha256(`${e.title}\u0000${e.html}`)}`;
    return { ...e, key, linkKey: linkKey === key ? null : linkKey };
  });
}

const PERIOD_SECONDS: Record<string, number> = {
  hourly: 3600,
  daily: 86400,
  weekly: 7 * 86400,
  monthly: 30 * 86400,
  yearly: 365 * 86400,
};

function intervalHint(format: ParsedFeed["format"], feed: Obj): number | null {
  if (format === "rss") {
    const ttl = Number(feed.ttl);
    if (Number.isFinite(ttl) && ttl > 0) return ttl * 60;
  }
  const sy = obj(feed.sy);
  const period = PERIOD_SECONDS[text1(sy.updatePeriod).toLowerCase()];
  if (period) {
    const frequency = Number(sy.updateFrequency) || 1;
    return Math.round(period / Math.max(1, frequency));
  }
  return null;
}
