/**
 * What a read's outcome changes besides the schedule: the tracking of a permanent redirect,
 * and the notices the poller posts to each room following a feed (failing, working again,
 * gone), keyed so each is sent once. Moved from poller.ts (issue 24).
 */
import type { OutboxMessage } from "./outbox-store";
import { escapeHtml } from "./render";
import type { FeedRow, SubscriptionRow } from "./store";

/** One notice of `kind` about `feed` for each of `subs`. */
export function noticesFor(
  feed: FeedRow,
  subs: SubscriptionRow[],
  kind: "failing" | "recovered" | "gone",
  now: number,
): OutboxMessage[] {
  return subs.map((s) => {
    const text =
      kind === "failing"
        ? `Feed "${s.label}" has not been readable since ${new Date(feed.failing_since ?? now).toISOString()} (${feed.last_error ?? "unknown error"}). I keep trying and will say when it works again.`
        : kind === "recovered"
          ? `Feed "${s.label}" works again; new entries will be posted.`
          : `Feed "${s.label}" is gone (the server answered 410 Gone), so I stopped reading it. \`!feed resume ${s.label}\` tries again; \`!feed remove ${s.label}\` removes it.`;
    return {
      subscriptionId: s.id,
      roomId: s.room_id,
      itemKey: `notice:${kind}:${kind === "failing" ? (feed.failing_since ?? now) : now}`,
      plain: text.replace(/`/g, ""),
      html: escapeHtml(text).replace(/`([^`]+)`/g, "<code>$1</code>"),
      itemDate: null,
    };
  });
}

/** Consecutive reads that must show the same permanent redirect before the URL is changed. */
export const MOVE_AFTER = 2;

/** Tracks a permanent redirect; the move itself happens after the queue write. */
export function movePatch(feed: FeedRow, movedTo: string | null): Partial<FeedRow> {
  if (!movedTo) return feed.moved_to ? { moved_to: null, moved_count: 0 } : {};
  const count = feed.moved_to === movedTo ? feed.moved_count + 1 : 1;
  if (count >= MOVE_AFTER) return { moved_to: null, moved_count: 0 };
  return { moved_to: movedTo, moved_count: count };
}
