/**
 * Issue 22 item 12 on PostgreSQL, where queue() locks the running subscriptions (`FOR UPDATE`):
 * a feed paused or removed before a poll's queue() gets none of that poll's messages.
 */
import { FeedStore } from "@atrium/appservice/dist/workspace/feeds/store";
import { Store } from "@atrium/appservice/dist/store/store";
import { createDatabase, dropDatabase, localPostgres } from "../harness/postgres";

const server = localPostgres();
let database: string;
let store: Store;

beforeAll(async () => {
  database = await createDatabase(server, "feedqueue");
  store = await Store.open({
    engine: "postgres",
    connectionString: `postgres://${server.user}@${server.host}:${server.port}/${database}`,
  });
});

afterAll(async () => {
  await store?.close();
  if (database) await dropDatabase(server, database);
});

it("queues for running subscriptions only, with the subscription rows locked", async () => {
  const feeds = new FeedStore(store.db);
  const now = Date.now();
  const subscribe = (label: string) =>
    feeds.subscribe({
      url: "https://e.example/feed.xml",
      title: "Blog",
      roomId: `!${label}:x`,
      label,
      addedBy: "@a:x",
      now,
      nextFetchAt: now,
      validators: { etag: null, lastModified: null, bodyHash: null },
      intervalHint: null,
      newestItemAt: null,
      baseline: [],
      backfill: [],
    });
  const [a, b] = [await subscribe("a"), await subscribe("b")];
  expect(a.feed_id).toBe(b.feed_id);
  const message = (sub: typeof a, key: string) => ({
    subscriptionId: sub.id,
    roomId: sub.room_id,
    itemKey: key,
    plain: key,
    html: key,
    itemDate: null,
  });
  await feeds.setPaused(b.id, true);
  await feeds.queue(a.feed_id, [], [message(a, "1"), message(b, "1")], { failures: 0 }, now);
  const rows = () =>
    store.db.selectFrom("feed_outbox").select(["room_id", "item_key"]).orderBy("id").execute();
  expect(await rows()).toEqual([{ room_id: "!a:x", item_key: "1" }]);
  await feeds.removeSubscription(a);
  await feeds.queue(a.feed_id, [], [message(a, "2"), message(b, "2")], {}, now);
  expect(await rows()).toEqual([]);
});
