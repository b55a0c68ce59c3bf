/**
 * Issue 22 item 12: a feed paused or removed while one of its fetches is in flight gets none of
 * that fetch's entries posted. Real SQLite store, real poller, a fetch held open by the test;
 * the change is made at two moments: while the fetch is open, and after the poller read the
 * feed's subscriptions but before it wrote the outbox (the store's `seenKeys` read, between the
 * two, is where the test steps in).
 */
import pino from "pino";
import { Registry } from "prom-client";
import { Store } from "../../store/store";
import { feedsConfigSchema } from "./config";
import type { FeedResponse, Fetcher } from "./fetch";
import { createFeedMetrics } from "./metrics";
import { inThreadParser } from "./parse-pool";
import { FeedPoller } from "./poller";
import { FeedStore, type SubscriptionRow } from "./store";
import { newSubscription } from "../../test-support/feeds";

const NOW = Date.UTC(2026, 0, 10, 12);
const URL = "https://e.example/feed.xml";

function rss(guids: string[]): Buffer {
  const items = guids
    .map(
      (g, n) =>
        `<item><title>Post ${g}</title><link>https://e.example/${g}</link><guid>${g}</guid><pubDate>${new Date(NOW - n * 60_000).toUTCString()}</pubDate></item>`,
    )
    .join("");
  return Buffer.from(`<rss version="2.0"><channel><title>Blog</title>${items}</channel></rss>`);
}

let store: Store;
let feeds: FeedStore;
let sub: SubscriptionRow;
let release: () => void;
let fetched: Promise<void>;

/** A fetch that answers (with a new entry) only when the test says so. */
function heldFetcher(): Fetcher {
  let started: () => void;
  fetched = new Promise((r) => (started = r));
  const held = new Promise<void>((r) => (release = r));
  return {
    async fetch() {
      started();
      await held;
      const response: FeedResponse = {
        status: 200,
        url: URL,
        movedTo: null,
        headers: {},
        body: rss(["new", "old"]),
      };
      return response;
    },
  };
}

beforeEach(async () => {
  store = await Store.open({ engine: "sqlite", filename: ":memory:" });
  feeds = new FeedStore(store.db);
  sub = await feeds.subscribe(
    newSubscription(NOW, {
      url: URL,
      title: "Blog",
      label: "Blog",
      newestItemAt: NOW - 60_000,
      baseline: [{ key: "1:g:old", contentHash: null }],
    }),
  );
});

afterEach(async () => store.close());

/** The real store, with a hook on the read the poller makes after reading subscriptions. */
class SteppedStore extends FeedStore {
  beforeSeen: (() => Promise<void>) | null = null;
  override async seenKeys(feedId: number, keys: string[]): Promise<Set<string>> {
    const step = this.beforeSeen;
    this.beforeSeen = null;
    await step?.();
    return super.seenKeys(feedId, keys);
  }
}

async function pollWhile(
  change: () => Promise<void>,
  moment: "fetching" | "planning" = "fetching",
): Promise<number> {
  const stepped = new SteppedStore(store.db);
  if (moment === "planning") stepped.beforeSeen = change;
  const poller = new FeedPoller({
    config: feedsConfigSchema.parse({}),
    store: stepped,
    fetcher: heldFetcher(),
    parser: inThreadParser,
    delivery: { kick: async () => undefined },
    metrics: createFeedMetrics(new Registry()),
    log: pino({ level: "silent" }),
    now: () => NOW,
  });
  const feed = await feeds.feed(sub.feed_id);
  const polling = poller.poll(feed!);
  await fetched;
  if (moment === "fetching") await change();
  release();
  await polling;
  const rows = await store.db.selectFrom("feed_outbox").select("item_key").execute();
  return rows.length;
}

it("queues the new entry when nothing changes meanwhile (the control)", async () => {
  expect(await pollWhile(async () => undefined)).toBe(1);
});

it("posts nothing from a fetch that was in flight when the feed was paused", async () => {
  expect(await pollWhile(() => feeds.setPaused(sub.id, true))).toBe(0);
});

it("posts nothing from a fetch that was in flight when the feed was removed", async () => {
  expect(await pollWhile(() => feeds.removeSubscription(sub))).toBe(0);
});

it("posts nothing when the feed is paused between reading subscriptions and queueing", async () => {
  expect(await pollWhile(() => feeds.setPaused(sub.id, true), "planning")).toBe(0);
});

it("posts nothing when the feed is removed between reading subscriptions and queueing", async () => {
  expect(await pollWhile(() => feeds.removeSubscription(sub), "planning")).toBe(0);
  expect(await feeds.feed(sub.feed_id)).toBeUndefined();
});
