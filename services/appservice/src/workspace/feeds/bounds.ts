/**
 * Size bounds of a feed message. Feeds are written by strangers: a title, link or summary may be
 * any size, and an event over the homeserver's limit (64 KiB for the whole event in Synapse) is
 * refused with `M_TOO_LARGE`. So each part is cut to a documented length, and the whole message
 * (`body` and `formatted_body`) to {@link MESSAGE_MAX_BYTES}, well under that limit, leaving
 * room for the event's envelope (ids, hashes, signatures) and encryption's overhead.
 */

/** The most one feed message's `body` plus `formatted_body` take, UTF-8 bytes as JSON. */
export const MESSAGE_MAX_BYTES = 32 * 1024;
/** An entry's title, characters of text (longer ones end in "…"). */
export const TITLE_MAX_CHARS = 300;
/** An entry's link, characters; a longer link is left out (a cut URL would be wrong). */
export const LINK_MAX_CHARS = 2048;
/** An entry's author, characters. */
export const AUTHOR_MAX_CHARS = 200;
/** The feed's name shown in a message (a label is at most 40; a preview shows the title). */
export const FEED_NAME_MAX_CHARS = 200;
/** Raw HTML of a summary read at most: sanitising costs time in proportion to it. */
export const SUMMARY_HTML_MAX_CHARS = 100_000;
/** Raw text of a title or author read at most before its tags and entities are resolved. */
const RAW_TEXT_MAX_CHARS = 8 * 1024;

/** `text` cut to `max` characters with "…" when longer, never inside a surrogate pair. */
export function cutText(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${cutRaw(text, Math.max(0, max - 1)).trimEnd()}…`;
}

/** `text` cut to at most `max` UTF-16 units, never leaving half a surrogate pair. */
export function cutRaw(text: string, max: number): string {
  if (text.length <= max) return text;
  const code = text.charCodeAt(max - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max);
}

/** What a message costs in its event: body and formatted_body as JSON strings, UTF-8 bytes. */
export function messageBytes(message: { plain: string; html: string }): number {
  return (
    Buffer.byteLength(JSON.stringify(message.plain), "utf8") +
    Buffer.byteLength(JSON.stringify(message.html), "utf8")
  );
}

/** The raw parts of an entry cut before any work is done on them. */
export function boundedRaw<
  T extends { title: string; link: string | null; html: string; author: string },
>(item: T): T {
  return {
    ...item,
    title: cutRaw(item.title, RAW_TEXT_MAX_CHARS),
    link: item.link !== null && item.link.length > LINK_MAX_CHARS ? null : item.link,
    html: cutRaw(item.html, SUMMARY_HTML_MAX_CHARS),
    author: cutRaw(item.author, RAW_TEXT_MAX_CHARS),
  };
}
