/**
 * The feed form's checks and texts, pure so they are unit-tested. The checks only catch what
 * is plainly wrong while typing; the server runs `!feed add`'s rules (and the address guard,
 * which decides whether an address may be reached) on every request.
 */
import type { ImFeed } from "@atrium/widgets";

export type Check = { ok: true; value: string } | { ok: false; reason: string };

const MAX_URL = 2048;
const MAX_LABEL = 40;

/** A full http(s) URL, as `!feed add` takes it. */
export function checkFeedUrl(raw: string): Check {
  const text = raw.trim();
  if (text === "") return { ok: false, reason: "Give the feed's address." };
  if (text.length > MAX_URL)
    return { ok: false, reason: `That address is longer than ${MAX_URL} characters.` };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return {
      ok: false,
      reason: "That is not a web address; give a full http:// or https:// URL.",
    };
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    return { ok: false, reason: "Only http:// and https:// feeds can be followed." };
  if (url.username !== "" || url.password !== "")
    return { ok: false, reason: "Feed addresses with a user name or password are refused." };
  return { ok: true, value: text };
}

/** An optional label: empty (the feed's title is used), or 1–40 characters, not just a number. */
export function checkFeedLabel(raw: string): Check {
  const label = raw.trim();
  // eslint-disable-next-line no-control-regex
  if (label.length > MAX_LABEL || /^\d+$/.test(label) || /[\u0000-\u001f\u007f]/.test(label)) {
    return {
      ok: false,
      reason: `A label has 1 to ${MAX_LABEL} characters and is not just a number.`,
    };
  }
  return { ok: true, value: label };
}

/** The feed's state for people, and whether it is shown as a warning. */
export function feedStateText(feed: ImFeed): { text: string; warn: boolean } {
  switch (feed.state) {
    case "paused":
      return { text: "Paused", warn: false };
    case "gone":
      return { text: "Gone: the server says the feed no longer exists (410)", warn: true };
    case "failing":
      return { text: `Failing: ${feed.error ?? "the last reads failed"}`, warn: true };
    default:
      return { text: "Active", warn: false };
  }
}

/** Text split into plain parts and http(s) links, for showing a message's plain body. */
export function linkify(text: string): Array<{ text: string; href?: string }> {
  const parts: Array<{ text: string; href?: string }> = [];
  let last = 0;
  for (const match of text.matchAll(/https?:\/\/[^\s<>"()]+[^\s<>"().,;:!?]/g)) {
    const start = match.index;
    if (start > last) parts.push({ text: text.slice(last, start) });
    parts.push({ text: match[0], href: match[0] });
    last = start + match[0].length;
  }
  if (last < text.length) parts.push({ text: text.slice(last) });
  return parts;
}
