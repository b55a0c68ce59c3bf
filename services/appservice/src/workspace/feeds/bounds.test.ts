/**
 * Issue 22 item 16: an entry's parts have size bounds, so no message comes near the
 * homeserver's 64 KiB event limit; and an `M_TOO_LARGE` answer is never retried.
 */
import pino from "pino";
import { Registry } from "prom-client";
import { Store } from "../../store/store";
import { Delivery } from "./delivery";
import { createFeedMetrics } from "./metrics";
import type { FeedItem } from "./parse";
import { renderDigest, renderItem, type Rendered } from "./render";
import { FeedStore } from "./store";
import { newSubscription } from "../../test-support/feeds";

/** What the message costs in the event: body and formatted_body as JSON, UTF-8 bytes. */
const sizeOf = (r: Rendered) => Buffer.byteLength(JSON.stringify([r.plain, r.html]), "utf8");
/** The documented budget of one feed message (README, Feeds). */
const BUDGET = 32 * 1024;

function huge(n: number, over: Partial<FeedItem> = {}): FeedItem {
  return {
    key: `1:g:${n}`,
    linkKey: null,
    title: `Tïtle ${n} ${"ä".repeat(100_000)}`,
    link: `https://e.example/${n}?${"q".repeat(10_000)}`,
    html: `<p>${'<a href="https://e.example/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">€</a>'.repeat(20_000)}</p>`,
    author: "😀".repeat(50_000),
    date: Date.UTC(2026, 0, 1),
    contentHash: "h",
    ...over,
  };
}

describe("message size bounds", () => {
  it("bounds title, link, author and summary of one entry", () => {
    const r = renderItem(huge(1), {
      feed: "F".repeat(10_000),
      template: null,
      summaryMaxChars: 20_000,
    });
    expect(sizeOf(r)).toBeLessThanOrEqual(BUDGET);
    const [head = ""] = r.plain.split("\n");
    expect(head.length).toBeLessThan(1000);
    expect(r.plain).toContain("Tïtle 1");
  });

  it("keeps a template that repeats the big parts within the budget", () => {
    const r = renderItem(huge(2), {
      feed: "Feed",
      template: "$summary $link $linked_title $author ".repeat(25),
      summaryMaxChars: 20_000,
    });
    expect(sizeOf(r)).toBeLessThanOrEqual(BUDGET);
    expect(r.plain).toContain("Tïtle 2");
  });

  it("bounds a digest of many oversized entries", () => {
    const items = Array.from({ length: 40 }, (_, i) => huge(i));
    const r = renderDigest("Feed", items);
    expect(sizeOf(r)).toBeLessThanOrEqual(BUDGET);
    expect(r.plain).toMatch(/^Feed: 40 new entries/);
  });
});

describe("delivery of a message the homeserver finds too large", () => {
  let store: Store;
  beforeEach(async () => (store = await Store.open({ engine: "sqlite", filename: ":memory:" })));
  afterEach(async () => store.close());

  it("is tried once, marked failed and counted, never retried", async () => {
    const feeds = new FeedStore(store.db);
    const NOW = Date.UTC(2026, 0, 10);
    const s = await feeds.subscribe(
      newSubscription(NOW, {
        backfill: [{ itemKey: "1:g:big", plain: "big", html: "big", itemDate: null }],
      }),
    );
    let sends = 0;
    const registry = new Registry();
    const delivery = new Delivery({
      store: feeds,
      sender: {
        async sendNotice() {
          sends++;
          throw Object.assign(new Error("event too large"), {
            errcode: "M_TOO_LARGE",
            statusCode: 413,
          });
        },
      },
      metrics: createFeedMetrics(registry),
      log: pino({ level: "silent" }),
      now: () => NOW,
    });
    await delivery.kick();
    // Much later: a retry would have been due long ago.
    const later = new Delivery({
      store: feeds,
      sender: {
        async sendNotice() {
          sends++;
        },
      },
      metrics: createFeedMetrics(new Registry()),
      log: pino({ level: "silent" }),
      now: () => NOW + 86_400_000,
    });
    await later.kick();
    await delivery.stop();
    await later.stop();
    expect(sends).toBe(1);
    expect(await feeds.pendingCount()).toBe(0);
    const row = await store.db
      .selectFrom("feed_outbox")
      .select(["state", "attempts"])
      .where("subscription_id", "=", s.id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ state: "dropped", attempts: 1 });
    const metric = await registry.getSingleMetricAsString("atrium_feeds_messages_dropped_total");
    expect(metric).toMatch(/reason="too_large"\} 1/);
  });
});
