/**
 * Checks of what a person typed for a feed: its address, its label, and the wording of a read
 * that failed. Moved from commands.ts (issue 24).
 */
import type { Logger } from "pino";
import { refused, type Refusal } from "./feed-result";
import { BLOCKED_PROBLEM, FeedFetchError } from "./fetch";
import { FeedParseError } from "./parse";

const MAX_URL = 2048;
const MAX_LABEL = 40;

/** Null when `label` may name a feed; else the refusal saying what a label is. */
export function checkLabel(label: string): Refusal | null {
  if (label.length > MAX_LABEL || /[\p{Cc}]/u.test(label) || /^\d+$/.test(label)) {
    return refused(
      "invalid",
      `A label has 1 to ${MAX_LABEL} characters and is not just a number. Nothing was added.`,
    );
  }
  return null;
}

/** The feed address to store (without its fragment), or the refusal saying what was wrong. */
export function checkUrl(raw: string | undefined): string | Refusal {
  if (!raw)
    return refused(
      "invalid",
      "Give the feed's address: a full http:// or https:// URL.",
      {},
      "Give the feed's address: `!feed add https://example.org/feed.xml`.",
    );
  if (raw.length > MAX_URL)
    return refused("invalid", `That address is longer than ${MAX_URL} characters.`);
  let url: URL;
  try {
    url = new URL(raw.replace(/^<(.*)>$/, "$1"));
  } catch {
    return refused("invalid", "That is not a web address; give a full http:// or https:// URL.");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return refused("invalid", "Only http:// and https:// feeds can be followed.");
  }
  if (url.username || url.password)
    return refused("invalid", "Feed addresses with a user name or password are refused.");
  url.hash = "";
  return url.toString();
}

/** What a failed read is called in the room; details go to the log only. */
export function readProblem(error: unknown, log: Logger): string {
  if (error instanceof FeedFetchError) {
    if (error.detail) log.info({ kind: error.kind, detail: error.detail }, "feed read failed");
    return error.kind === "blocked" ? BLOCKED_PROBLEM : error.message;
  }
  if (error instanceof FeedParseError) return error.message;
  log.error({ err: error }, "feed read failed unexpectedly");
  return "an unexpected error (logged)";
}

/** `wanted` tidied and made distinct from the room's `taken` labels (" 2", " 3" … added). */
export function uniqueLabel(wanted: string, taken: string[]): string {
  const base = wanted.replace(/\s+/g, " ").trim().slice(0, MAX_LABEL) || "feed";
  const lower = new Set(taken.map((t) => t.toLowerCase()));
  if (!lower.has(base.toLowerCase()) && !/^\d+$/.test(base)) return base;
  for (let n = 2; ; n++) {
    const candidate = `${base.slice(0, MAX_LABEL - 4)} ${n}`;
    if (!lower.has(candidate.toLowerCase())) return candidate;
  }
}
