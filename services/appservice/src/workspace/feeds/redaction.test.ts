/**
 * Issue 22 item 13: feed URLs shown to people who may not manage feeds (and in room messages,
 * which every member reads) have their query values and credentials redacted; messages in a
 * room never show the address a host name resolved to (the logs keep it). Real SQLite store,
 * the real fetcher against a closed loopback port and a blocked name.
 */
import * as net from "node:net";
import pino from "pino";
import { Registry } from "prom-client";
import type { StateEvent } from "../../matrix/gateway";
import { Store } from "../../store/store";
import { feedsConfigSchema } from "./config";
import { createFetcher, type FeedResponse, type Fetcher } from "./fetch";
import { createFeedMetrics } from "./metrics";
import { FeedPoller } from "./poller";
import { inThreadParser } from "./parse-pool";
import { redactUrl } from "./redact";
import { FeedStore } from "./store";
import { answerOf, feedCommandsWith, newSubscription } from "../../test-support/feeds";

const log = pino({ level: "silent" });
const ROOM = "!room:x";
const ALICE = "@alice:x";
const BOB = "@bob:x";
const NOW = Date.UTC(2026, 0, 10, 12);
const SECRET_URL = "https://e.example/blog.xml?token=s3cret&user=alice";
const LOOPBACK = /127\.0\.0\.1|::1|\[::/;

const state: StateEvent[] = [
  { type: "m.room.create", state_key: "", content: { room_version: "10" }, sender: ALICE },
  {
    type: "m.room.power_levels",
    state_key: "",
    content: { users: { [ALICE]: 100 }, state_default: 50 },
  },
];

const rssBody = Buffer.from(
  `<rss version="2.0"><channel><title>Blog</title><item><title>Post</title><guid>p1</guid></item></channel></rss>`,
);
const scripted: Fetcher = {
  async fetch({ url }) {
    const response: FeedResponse = { status: 200, url, movedTo: null, headers: {}, body: rssBody };
    return response;
  },
};

let store: Store;
beforeEach(async () => (store = await Store.open({ engine: "sqlite", filename: ":memory:" })));
afterEach(async () => store.close());

const commandsWith = (fetcher: Fetcher, config = feedsConfigSchema.parse({})) =>
  feedCommandsWith({ store, fetcher, roomState: state, now: NOW, config });

describe("redactUrl", () => {
  it.each([
    ["https://e.example/feed.xml", "https://e.example/feed.xml"],
    ["https://e.example/feed.xml?token=abc&page=2", "https://e.example/feed.xml?token=…&page=…"],
    ["https://u:p@e.example/f?key", "https://…@e.example/f?key"],
    ["https://e.example/f?=x", "https://e.example/f?=…"],
  ])("%s → %s", (url, shown) => expect(redactUrl(url)).toBe(shown));
});

describe("feed URLs with secrets", () => {
  it("are redacted in room messages and for members who may not manage feeds", async () => {
    const feeds = commandsWith(scripted);
    const added = await answerOf(feeds.run(ROOM, ALICE, `add ${SECRET_URL} Blog`, log));
    expect(added.reply.plain).not.toContain("s3cret");
    expect(added.reply.plain).toContain("https://e.example/blog.xml?token=…&user=…");
    const list = await answerOf(feeds.run(ROOM, ALICE, "list", log));
    expect(list.reply.plain).toContain("#1 Blog — https://e.example/blog.xml?token=…&user=…");
    expect(list.reply.plain).not.toContain("s3cret");

    const forMember = await feeds.list(ROOM, { fullUrls: false });
    expect(forMember.ok && forMember.feeds?.[0]?.url).toBe(
      "https://e.example/blog.xml?token=…&user=…",
    );
    // Those who may manage the feeds (the IM shows them their own list) see the URL.
    const forManager = await feeds.list(ROOM, { fullUrls: true });
    expect(forManager.ok && forManager.feeds?.[0]?.url).toBe(SECRET_URL);
    expect(await feeds.power(ROOM, BOB)).toMatchObject({ canManage: false });
  });
});

describe("failure messages", () => {
  let closedPort: number;
  beforeAll(async () => {
    const probe = net.createServer();
    await new Promise<void>((r) => probe.listen(0, "127.0.0.1", r));
    closedPort = (probe.address() as net.AddressInfo).port;
    await new Promise((r) => probe.close(r));
  });

  const fetcherFor = () =>
    createFetcher({
      timeoutMs: 2000,
      maxBytes: 1024 * 1024,
      maxRedirects: 2,
      allowList: [`127.0.0.1:${closedPort}`, `[::1]:${closedPort}`],
    });

  it("never name the address a host resolved to in a preview reply", async () => {
    const feeds = commandsWith(fetcherFor());
    for (const url of [`http://localhost:${closedPort}/feed.xml`, "http://localhost:1/feed.xml"]) {
      const result = await feeds.preview(url, undefined, log, { userId: BOB, roomId: ROOM });
      expect(result.ok).toBe(false);
      expect(result.message).toMatch(/could not read that feed/);
      expect(result.message).not.toMatch(LOOPBACK);
    }
  });

  it("never name it in the room's failure notice or the feed list", async () => {
    const feedStore = new FeedStore(store.db);
    const sub = await feedStore.subscribe(
      newSubscription(NOW, {
        url: `http://localhost:${closedPort}/feed.xml`,
        title: "Local",
        roomId: ROOM,
        label: "Local",
        addedBy: ALICE,
      }),
    );
    await feedStore.updateFeed(sub.feed_id, { failing_since: NOW - 7_200_000, failures: 3 });
    const poller = new FeedPoller({
      config: feedsConfigSchema.parse({ failureNoticeAfterSeconds: 60 }),
      store: feedStore,
      fetcher: fetcherFor(),
      parser: inThreadParser,
      delivery: { kick: async () => undefined },
      metrics: createFeedMetrics(new Registry()),
      log,
      now: () => NOW,
    });
    await poller.poll((await feedStore.feed(sub.feed_id))!);
    const outbox = await store.db.selectFrom("feed_outbox").select(["plain", "html"]).execute();
    expect(outbox).toHaveLength(1);
    expect(outbox[0]?.plain).toMatch(/has not been readable since/);
    expect(`${outbox[0]?.plain} ${outbox[0]?.html}`).not.toMatch(LOOPBACK);
    const list = await answerOf(commandsWith(fetcherFor()).run(ROOM, ALICE, "list", log));
    expect(list.reply.plain).toMatch(/failing: /);
    expect(list.reply.plain.replace(/^.*—.*\(/m, "")).not.toMatch(LOOPBACK);
  });
});
