/**
 * The plan's guards and exactly-once delivery through the outbox, on a real SQLite store and a
 * fake homeserver that honours transaction ids like Synapse does.
 */
import pino from "pino";
import { Registry } from "prom-client";
import { Store } from "../../store/store";
import { Delivery, dedupeKeyOf, type NoticeSender } from "./delivery";
import { createFeedMetrics } from "./metrics";
import type { FeedItem } from "./parse";
import { planIngest } from "./plan";
import { FeedStore, type SubscriptionRow } from "./store";
import { newSubscription } from "../../test-support/feeds";

const log = pino({ level: "silent" });
const DAY = 86_400_000;
const NOW = Date.UTC(2026, 0, 10);

function item(n: number, over: Partial<FeedItem> = {}): FeedItem {
  return {
    key: `1:g:item-${n}`,
    linkKey: `1:l:https://e.example/${n}`,
    title: `Item ${n}`,
    link: `https://e.example/${n}`,
    html: `<p>${n}</p>`,
    author: "",
    date: NOW - (10 - n) * 3_600_000,
    contentHash: `h${n}`,
    ...over,
  };
}

const sub = { id: 7, room_id: "!r:x", label: "News", template: null } as SubscriptionRow;
const settings = { staleDays: 7, digestThreshold: 10, summaryMaxChars: 200 };
const feed = { id: 1, initialized: 1, newest_item_at: NOW - 3_600_000, title: "t" };

describe("planIngest", () => {
  it("takes the first read as the baseline, posting nothing", () => {
    const plan = planIngest({
      feed: { ...feed, initialized: 0 },
      items: [item(1), item(2)],
      seenKeys: new Set(),
      seenTotal: 0,
      subscriptions: [sub],
      settings,
      now: NOW,
    });
    expect(plan.messages).toEqual([]);
    expect(plan.seen.map((s) => s.key)).toContain("1:g:item-1");
  });

  it("posts only new entries, oldest first; a churned GUID with a seen link is not new", () => {
    const seen = new Set(["1:g:item-1", "1:l:https://e.example/1", "1:l:https://e.example/2"]);
    const plan = planIngest({
      feed,
      items: [item(4), item(3), item(2, { key: "1:g:churned" }), item(1)],
      seenKeys: seen,
      seenTotal: 3,
      subscriptions: [sub],
      settings,
      now: NOW,
    });
    expect(plan.messages.map((m) => m.itemKey)).toEqual(["1:g:item-3", "1:g:item-4"]);
    expect(plan.outcomes).toEqual({ seen: 2, posted: 2 });
  });

  it("skips an old entry sliding back after its seen-mark was pruned", () => {
    const plan = planIngest({
      feed,
      items: [item(9, { date: NOW - 30 * DAY })],
      seenKeys: new Set(),
      seenTotal: 50,
      subscriptions: [sub],
      settings,
      now: NOW,
    });
    expect(plan.messages).toEqual([]);
    expect(plan.outcomes.stale).toBe(1);
  });

  it("sends one digest past the threshold, and re-baselines a feed that republished everything", () => {
    const many = Array.from({ length: 12 }, (_, i) => item(100 + i));
    const digest = planIngest({
      feed,
      items: [...many, ...Array.from({ length: 8 }, (_, i) => item(i))],
      seenKeys: new Set(Array.from({ length: 8 }, (_, i) => `1:g:item-${i}`)),
      seenTotal: 8,
      subscriptions: [sub],
      settings,
      now: NOW,
    });
    expect(digest.messages).toHaveLength(1);
    expect(digest.messages[0]?.plain).toMatch(/12 new entries/);
    const republished = planIngest({
      feed,
      items: many,
      seenKeys: new Set(),
      seenTotal: 40,
      subscriptions: [sub],
      settings,
      now: NOW,
    });
    expect(republished.messages).toHaveLength(1);
    expect(republished.messages[0]?.plain).toMatch(/marked them as read/);
    expect(republished.seen.length).toBeGreaterThanOrEqual(12);
  });
});

/** Remembers transaction ids as Synapse does: a repeated one is answered, not posted again. */
class FakeHomeserver implements NoticeSender {
  readonly timeline: string[] = [];
  private readonly txns = new Set<string>();
  failNext: "before" | "after" | null = null;
  async sendNotice(_room: string, plain: string, _html: string, dedupeKey?: string): Promise<void> {
    if (this.failNext === "before") {
      this.failNext = null;
      throw new Error("connection reset before the homeserver got it");
    }
    if (!this.txns.has(dedupeKey ?? "")) {
      this.txns.add(dedupeKey ?? "");
      this.timeline.push(plain);
    }
    if (this.failNext === "after") {
      this.failNext = null;
      throw new Error("crash after the homeserver accepted it");
    }
  }
}

describe("delivery", () => {
  let store: Store;
  let feeds: FeedStore;
  beforeEach(async () => {
    store = await Store.open({ engine: "sqlite", filename: ":memory:" });
    feeds = new FeedStore(store.db);
  });
  afterEach(async () => store.close());

  async function subscribed(): Promise<SubscriptionRow> {
    return feeds.subscribe(newSubscription(NOW));
  }

  const delivery = (hs: FakeHomeserver, now = () => NOW) =>
    new Delivery({
      store: feeds,
      sender: hs,
      metrics: createFeedMetrics(new Registry()),
      log,
      now,
    });

  it("sends a queued message once across a failure before and a crash after the send", async () => {
    const s = await subscribed();
    const message = {
      subscriptionId: s.id,
      roomId: s.room_id,
      itemKey: "1:g:a",
      plain: "A",
      html: "A",
      itemDate: null,
    };
    await feeds.queue(s.feed_id, [{ key: "1:g:a", contentHash: null }], [message], {}, NOW);
    // Queued again (a replayed poll): the outbox keeps one row.
    await feeds.queue(s.feed_id, [{ key: "1:g:a", contentHash: null }], [message], {}, NOW);
    const hs = new FakeHomeserver();
    hs.failNext = "before";
    await delivery(hs).kick();
    expect(hs.timeline).toEqual([]);
    hs.failNext = "after";
    const later = () => NOW + 10 * 60_000;
    await delivery(hs, later).kick();
    expect(hs.timeline).toEqual(["A"]);
    // A new process after the crash finds the row pending and resends the same transaction.
    await delivery(hs, () => NOW + 20 * 60_000).kick();
    expect(hs.timeline).toEqual(["A"]);
    expect(await feeds.pendingCount()).toBe(0);
    expect(dedupeKeyOf({ subscription_id: s.id, item_key: "1:g:a" })).toBe(`feed:${s.id}:1:g:a`);
  });
});
