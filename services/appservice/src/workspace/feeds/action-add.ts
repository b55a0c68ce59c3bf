/**
 * `add`: follows a feed in a room — checks the address and label, reads the feed once, and
 * stores the subscription with its baseline and the newest entries to post. Moved from
 * commands.ts (issue 24).
 */
import type { Logger } from "pino";
import type { FeedActionContext } from "./action-context";
import { checkLabel, checkUrl, readProblem, uniqueLabel } from "./feed-input";
import { ok, refused, summaryOf, type FeedResult } from "./feed-result";
import type { FeedItem } from "./parse";
import { headerOf, readFeed } from "./read-feed";
import { renderItem } from "./render";
import { redactUrl } from "./redact";
import { intervalSeconds, maxAgeSeconds } from "./schedule";

/** Follows `rawUrl` in `roomId` as `rawLabel` (or the feed's title); needs state_default. */
export async function addFeed(
  ctx: FeedActionContext,

  roomId: string,
  by: string,
  rawUrl: string | undefined,
  rawLabel: string,
  log: Logger,
): Promise<FeedResult> {
  const denied = await ctx.mayManage(roomId, by);
  if (denied) return denied;
  const url = checkUrl(rawUrl);
  if (typeof url !== "string") return url;
  const { store, config } = ctx.deps;
  const existing = await store.subscriptionsInRoom(roomId);
  const same = existing.find((s) => s.url === url);
  if (same)
    return refused(
      "invalid",
      `This room already follows that feed as "${same.label}" (#${same.id}).`,
    );
  if (existing.length >= config.maxPerRoom) {
    return refused(
      "invalid",
      `This room follows ${existing.length} feeds, the most allowed here. Remove one first.`,
    );
  }
  const label = rawLabel.trim();
  const badLabel = checkLabel(label);
  if (badLabel) return badLabel;
  const now = ctx.now();
  let read: Awaited<ReturnType<typeof readFeed>>;
  try {
    read = await readFeed(ctx.deps.fetcher, ctx.deps.parser, { url }, config.maxItems);
  } catch (error: unknown) {
    return refused(
      "invalid",
      `I could not read that feed: ${readProblem(error, log)}. Nothing was added.`,
    );
  }
  const { response, parsed } = read;
  if (!parsed)
    return refused(
      "invalid",
      `I could not read that feed: the server answered HTTP ${response.status}. Nothing was added.`,
    );
  const finalLabel = uniqueLabel(
    label || parsed.title,
    existing.map((s) => s.label),
  );
  const newest = parsed.items.slice(0, config.postOnSubscribe).reverse();
  const interval = intervalSeconds(config, [
    maxAgeSeconds(response.headers),
    parsed.intervalHintSeconds,
  ]);
  const sub = await store.subscribe({
    url,
    title: parsed.title,
    roomId,
    label: finalLabel,
    addedBy: by,
    now,
    nextFetchAt: now + interval * 1000,
    validators: {
      etag: headerOf(response.headers.etag),
      lastModified: headerOf(response.headers["last-modified"]),
      bodyHash: read.bodyHash,
    },
    intervalHint: parsed.intervalHintSeconds,
    newestItemAt: newestDate(parsed.items),
    baseline: parsed.items.flatMap((i) => [
      { key: i.key, contentHash: i.contentHash },
      ...(i.linkKey ? [{ key: i.linkKey, contentHash: null }] : []),
    ]),
    backfill: newest.map((item) => {
      const r = renderItem(item, {
        feed: finalLabel,
        template: null,
        summaryMaxChars: config.summaryMaxChars,
      });
      return { itemKey: item.key, plain: r.plain, html: r.html, itemDate: item.date };
    }),
  });

  const posted =
    parsed.items.length === 0
      ? "It has no entries yet; new ones will be posted here."
      : newest.length > 0
        ? `Its newest ${newest.length === 1 ? "entry follows" : `${newest.length} entries follow`}; new ones will be posted here.`
        : "New entries will be posted here.";
  return {
    ...ok(
      `Following "${finalLabel}" (#${sub.id}, ${redactUrl(url)}). ${posted} Checked every ${interval < 120 ? `${interval} s` : `${Math.round(interval / 60)} min`}.`,
    ),
    feed: summaryOf({ ...sub, url, state: "active", last_error: null, failures: 0 }),
    // The entries follow the answer; if it is never sent (a crash), start() sends them.
    after: () => {
      void ctx.deps.delivery.kick();
      void ctx.deps.poller.tick();
    },
  };
}

function newestDate(items: FeedItem[]): number | null {
  const dates = items.map((i) => i.date).filter((d): d is number => d !== null);
  return dates.length ? Math.max(...dates) : null;
}
