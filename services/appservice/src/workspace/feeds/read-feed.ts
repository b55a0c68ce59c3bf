/**
 * One read of a feed — fetch, then parse a 200 — shared by the poller and by `!feed add` and
 * `preview`, and the one rule for taking a validator header. Moved from poller.ts (issue 24).
 */
import { createHash } from "node:crypto";
import type { FeedResponse, Fetcher } from "./fetch";
import type { ParsedFeed } from "./parse";
import type { FeedParser } from "./parse-pool";

/** Reads and parses one feed (used by the poller and by `!feed add`/`preview`). */
export async function readFeed(
  fetcher: Fetcher,
  parser: FeedParser,
  request: Parameters<Fetcher["fetch"]>[0],
  maxItems: number,
): Promise<{ response: FeedResponse; parsed: ParsedFeed | null; bodyHash: string | null }> {
  const response = await fetcher.fetch(request);
  if (response.status !== 200 || !response.body) return { response, parsed: null, bodyHash: null };
  const bodyHash = createHash("sha256").update(response.body).digest("hex");
  const parsed = await parser.parse({
    body: response.body,
    contentType: response.headers["content-type"],
    url: response.url,
    maxItems,
  });
  return { response, parsed, bodyHash };
}

/** A response header kept as a validator: the first value, or null when absent or too long. */
export function headerOf(value: string | string[] | undefined): string | null {
  if (Array.isArray(value)) return value[0] ?? null;
  return value && value.length <= 512 ? value : null;
}
