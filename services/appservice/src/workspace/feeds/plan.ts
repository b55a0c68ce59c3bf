/**
 * Decides what a freshly read feed means for its rooms: which entries are new, which are
 * skipped and why, and the messages to queue. Pure: the caller reads the seen keys before and
 * writes the plan in one transaction (store.ts `queue`).
 *
 * The guards, in order: an entry is new only when neither its key nor its link key was seen
 * (GUID churn); the first read of a feed is its baseline (nothing posted, even when empty);
 * an entry dated `staleDays` before the newest one seen is stale (an old entry sliding back);
 * when most of an established feed is suddenly new, the feed is re-baselined and the rooms
 * told once (a feed that republished everything); more than `digestThreshold` new entries
 * become one digest message.
 */
import { createHash } from "node:crypto";
import type { FeedItem } from "./parse";
import { renderDigest, renderItem, type Rendered } from "./render";
import type { FeedRow, OutboxMessage, SeenMark, SubscriptionRow } from "./store";

export interface PlanSettings {
  staleDays: number;
  digestThreshold: number;
  summaryMaxChars: number;
}

export type ItemOutcome = "baseline" | "posted" | "digested" | "stale" | "rebaselined" | "seen";

export interface Plan {
  seen: SeenMark[];
  messages: OutboxMessage[];
  /** Entries by outcome (for metrics and logs). */
  outcomes: Partial<Record<ItemOutcome, number>>;
  newestItemAt: number | null;
}

/** Share of an established feed that, all new at once, means it republished everything. */
const REBASELINE_SHARE = 0.8;
/** A feed needs this many entries before a mass change is read as republishing. */
const REBASELINE_MIN_ITEMS = 5;

export function planIngest(opts: {
  feed: Pick<FeedRow, "id" | "initialized" | "newest_item_at" | "title">;
  items: FeedItem[];
  seenKeys: Set<string>;
  seenTotal: number;
  subscriptions: SubscriptionRow[];
  settings: PlanSettings;
  now: number;
}): Plan {
  const { feed, items, seenKeys, settings } = opts;
  const outcomes: Plan["outcomes"] = {};
  const count = (o: ItemOutcome, n = 1) => {
    if (n > 0) outcomes[o] = (outcomes[o] ?? 0) + n;
  };
  const marks = (list: FeedItem[]): SeenMark[] =>
    list.flatMap((i) => [
      { key: i.key, contentHash: i.contentHash },
      ...(i.linkKey ? [{ key: i.linkKey, contentHash: null }] : []),
    ]);
  const dates = items.map((i) => i.date).filter((d): d is number => d !== null);
  const newestInDoc = dates.length ? Math.max(...dates) : null;
  const newestItemAt =
    newestInDoc === null
      ? feed.newest_item_at
      : Math.max(newestInDoc, feed.newest_item_at ?? Number.NEGATIVE_INFINITY);
  if (!feed.initialized) {
    count("baseline", items.length);
    return { seen: marks(items), messages: [], outcomes, newestItemAt };
  }
  const isSeen = (i: FeedItem) =>
    seenKeys.has(i.key) || (i.linkKey !== null && seenKeys.has(i.linkKey));
  const unseen = items.filter((i) => !isSeen(i));
  count("seen", items.length - unseen.length);
  // Entries not seen before are marked too (a GUID that churned keeps its link key's verdict).
  const seen = marks(unseen);
  const staleBefore =
    feed.newest_item_at === null ? null : feed.newest_item_at - settings.staleDays * 86_400_000;
  const stale = unseen.filter(
    (i) => staleBefore !== null && i.date !== null && i.date < staleBefore,
  );
  count("stale", stale.length);
  const fresh = unseen.filter((i) => !stale.includes(i));
  if (fresh.length === 0) return { seen, messages: [], outcomes, newestItemAt };

  const established = opts.seenTotal >= REBASELINE_MIN_ITEMS;
  if (
    established &&
    items.length >= REBASELINE_MIN_ITEMS &&
    fresh.length >= REBASELINE_SHARE * items.length
  ) {
    count("rebaselined", fresh.length);
    const note = rebaselineNotice(fresh.length);
    const messages = opts.subscriptions.map((s) => ({
      subscriptionId: s.id,
      roomId: s.room_id,
      itemKey: `notice:rebaseline:${opts.now}`,
      plain: `${s.label}: ${note}`,
      html: `${escape(s.label)}: ${escape(note)}`,
      itemDate: null,
    }));
    return { seen, messages, outcomes, newestItemAt };
  }

  const messages: OutboxMessage[] = [];
  // Oldest first, so the room reads them in order.
  const ordered = [...fresh].reverse();
  if (fresh.length > settings.digestThreshold) {
    count("digested", fresh.length);
    const digestKey = `digest:${createHash("sha256")
      .update(fresh.map((i) => i.key).join("\u0000"))
      .digest("hex")}`;
    for (const s of opts.subscriptions) {
      const d = renderDigest(s.label, fresh);
      messages.push(message(s, digestKey, d, newestInDoc));
    }
    return { seen, messages, outcomes, newestItemAt };
  }
  count("posted", fresh.length);
  for (const item of ordered) {
    for (const s of opts.subscriptions) {
      const r = renderItem(item, {
        feed: s.label,
        template: s.template,
        summaryMaxChars: settings.summaryMaxChars,
      });
      messages.push(message(s, item.key, r, item.date));
    }
  }
  return { seen, messages, outcomes, newestItemAt };
}

function message(
  s: SubscriptionRow,
  itemKey: string,
  r: Rendered,
  date: number | null,
): OutboxMessage {
  return {
    subscriptionId: s.id,
    roomId: s.room_id,
    itemKey,
    plain: r.plain,
    html: r.html,
    itemDate: date,
  };
}

function rebaselineNotice(n: number): string {
  return `the feed changed the ids of ${n} entries at once (it republished everything). I marked them as read instead of posting them all; new entries will be posted from now on.`;
}

function escape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
