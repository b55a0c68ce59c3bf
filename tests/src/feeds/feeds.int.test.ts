/**
 * Feeds end to end against the real Synapse and the appservice process, with a scripted feed
 * server on loopback (allow-listed by exact port) and a canary server standing for an internal
 * target, which must see zero connections.
 */
import * as zlib from "node:zlib";
import * as path from "node:path";
import { Store } from "@atrium/appservice/dist/store/store";
import type { RoomEvent } from "../harness/matrix-client";
import { users } from "../harness/world";
import { command, roomWithBot } from "../appservice/fixtures";
import { rss, type Script } from "./feed-server";
import { useFeedWorld } from "./fixtures";

const day = 86_400_000;
const at = (daysAgo: number) => new Date(Date.now() - daysAgo * day);

const w = useFeedWorld(
  {
    intervalSeconds: 1,
    minIntervalSeconds: 1,
    backoffBaseSeconds: 1,
    backoffMaxSeconds: 4,
    failureNoticeAfterSeconds: 2,
    timeoutMs: 2000,
    maxBytes: 1024 * 1024,
    // The hostile-feed table previews more than the default 3 a minute (feed-preview tests
    // that bound).
    previewsPerUserPerMinute: 60,
  },
  async (stack) => {
    const { alice, bob } = await users(stack, "alice", "bob");
    const roomId = await roomWithBot(stack, alice, { name: "News" });
    await bob.client.join(roomId);
    return { alice, bob, roomId };
  },
);

async function botMessages(room = w.roomId): Promise<RoomEvent[]> {
  const events = await w.alice.client.messages(room, 200);
  return events.filter((e) => e.sender === w.stack.botUserId && e.type === "m.room.message");
}

async function count(text: string, room = w.roomId): Promise<number> {
  return (await botMessages(room)).filter((e) => String(e.content.body).includes(text)).length;
}

function waitForBot(text: string, room = w.roomId, timeoutMs = 20_000): Promise<RoomEvent> {
  return w.alice.client.waitForMessage(
    room,
    (e) => e.sender === w.stack.botUserId && String(e.content.body).includes(text),
    timeoutMs,
  );
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("subscribing", () => {
  it("adds a feed, posts its newest entry, then posts each new entry once", async () => {
    const items = [
      { guid: "b2", title: "Second post", link: "https://example.org/2", date: at(1) },
      { guid: "b1", title: "First post", link: "https://example.org/1", date: at(2) },
    ];
    w.feedServer.set("/blog.xml", { body: rss("Example blog", items), etag: '"v1"' });
    const reply = await command(
      w.stack,
      w.alice,
      w.roomId,
      `!feed add ${w.feedServer.url("/blog.xml")} Blog`,
    );
    expect(String(reply.content.body)).toMatch(/Following "Blog"|Second post/);
    const newest = await waitForBot("Second post");
    expect(newest.content.msgtype).toBe("m.notice");
    expect(String(newest.content.formatted_body)).toContain('<a href="https://example.org/2"');
    expect(await count("First post")).toBe(0);

    // The next polls send the stored validators and get 304s.
    await sleep(3000);
    const conditional = w.feedServer.requests("/blog.xml").filter((r) => r.status === 304);
    expect(conditional.length).toBeGreaterThan(0);
    expect(conditional[0]?.headers["if-none-match"]).toBe('"v1"');

    items.unshift({ guid: "b3", title: "Third post", link: "https://example.org/3", date: at(0) });
    w.feedServer.set("/blog.xml", { body: rss("Example blog", items), etag: '"v2"' });
    await waitForBot("Third post");
    await sleep(3000);
    expect(await count("Third post")).toBe(1);
    expect(await count("Second post")).toBe(1);
  });

  it("never re-posts an old entry sliding back, nor one whose GUID changed", async () => {
    // b1 dropped out, then slides back; b3's guid churns (same link).
    w.feedServer.set("/blog.xml", {
      body: rss("Example blog", [
        { guid: "b3-new-guid", title: "Third post", link: "https://example.org/3", date: at(0) },
        { guid: "b2", title: "Second post", link: "https://example.org/2", date: at(1) },
        { guid: "b1", title: "First post", link: "https://example.org/1", date: at(2) },
        { guid: "ancient", title: "Ancient post", link: "https://example.org/0", date: at(60) },
      ]),
      etag: '"v3"',
    });
    const before = w.feedServer.requests("/blog.xml").length;
    await waitUntil(async () => w.feedServer.requests("/blog.xml").length > before + 2);
    await sleep(1500);
    expect(await count("Third post")).toBe(1);
    expect(await count("First post")).toBe(0);
    expect(await count("Ancient post")).toBe(0);
  });

  it("posts the first entry of a feed that was empty", async () => {
    w.feedServer.set("/empty.xml", { body: rss("Quiet", []) });
    const reply = await command(
      w.stack,
      w.alice,
      w.roomId,
      `!feed add ${w.feedServer.url("/empty.xml")} Quiet`,
    );
    expect(String(reply.content.body)).toMatch(/no entries yet/);
    w.feedServer.set("/empty.xml", {
      body: rss("Quiet", [
        { guid: "q1", title: "Finally something", link: "https://example.org/q1", date: at(0) },
      ]),
    });
    await waitForBot("Finally something");
  });

  it("renders HTML injection in titles and summaries inert", async () => {
    w.feedServer.set("/evil.xml", {
      body: rss("Evil", [
        {
          guid: "e1",
          title: `<img src=x onerror=alert(1)>Evil <script>alert(2)</script>title`,
          link: "https://example.org/e1",
          description: `<p>ok <a href="javascript:alert(3)">js</a><img src="https://tracker.example/p.gif"><script>alert(4)</script></p>`,
          date: at(0),
        },
      ]),
    });
    await command(w.stack, w.alice, w.roomId, `!feed add ${w.feedServer.url("/evil.xml")} Evil`);
    const message = await waitForBot("Evil title");
    const html = String(message.content.formatted_body);
    expect(html).not.toMatch(/<img|<script|onerror|javascript:/i);
    expect(String(message.content.body)).not.toContain("alert(");
  });

  it("lists and removes feeds; a member without power is refused", async () => {
    const list = await command(w.stack, w.bob, w.roomId, "!feed list");
    expect(String(list.content.body)).toMatch(/Blog/);
    const refused = await command(
      w.stack,
      w.bob,
      w.roomId,
      `!feed add ${w.feedServer.url("/blog2.xml")}`,
    );
    expect(String(refused.content.body)).toMatch(/needs power level 50/);
    const removal = await command(w.stack, w.bob, w.roomId, "!feed remove Evil");
    expect(String(removal.content.body)).toMatch(/needs power level/);
    const removed = await command(w.stack, w.alice, w.roomId, "!feed remove Evil");
    expect(String(removed.content.body)).toMatch(/Removed the feed "Evil"/);
  });
});

describe("hostile feeds", () => {
  const laughs = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><rss version="2.0"><channel><title>&lol2;</title></channel></rss>`;
  it.each([
    ["billion laughs", "/laughs.xml", { body: laughs }, /DTD/],
    [
      "a gzip bomb",
      "/bomb.xml",
      {
        headers: { "content-encoding": "gzip" },
        body: zlib.gzipSync(Buffer.alloc(30 * 1024 * 1024)),
      },
      /larger than/,
    ],
    ["a 50 MB body", "/huge.xml", { body: Buffer.alloc(50 * 1024 * 1024, 0x20) }, /larger than/],
    ["a slow drip", "/drip.xml", { body: rss("Drip", []), drip: true }, /did not arrive/],
    [
      "a redirect to the canary",
      "/r1",
      { status: 302, headers: { location: "CANARY" } },
      /private or local network/,
    ],
    [
      "a redirect to the metadata address",
      "/r2",
      { status: 302, headers: { location: "http://169.254.169.254/latest/" } },
      /private or local network/,
    ],
    [
      "a redirect to a mapped loopback",
      "/r3",
      { status: 302, headers: { location: "http://[::ffff:7f00:1]:CANARYPORT/" } },
      /private or local network/,
    ],
  ] as Array<[string, string, Script, RegExp]>)(
    "refuses %s, and nothing reaches the canary",
    async (_name, feedPath, script, reason) => {
      const fixed = JSON.parse(
        JSON.stringify({ ...script, body: undefined })
          .replace("CANARYPORT", String(w.canary.port))
          .replace("CANARY", `http://127.0.0.1:${w.canary.port}/`),
      ) as Record<string, unknown>;
      w.feedServer.set(feedPath, { ...fixed, ...(script.body ? { body: script.body } : {}) });
      const reply = await command(
        w.stack,
        w.alice,
        w.roomId,
        `!feed preview ${w.feedServer.url(feedPath)}`,
      );
      expect(String(reply.content.body)).toMatch(reason);
      expect(w.canary.connections()).toBe(0);
    },
  );

  it("refuses to follow the internal target itself", async () => {
    const reply = await command(
      w.stack,
      w.alice,
      w.roomId,
      `!feed add http://127.0.0.1:${w.canary.port}/feed`,
    );
    expect(String(reply.content.body)).toMatch(/private or local network.*Nothing was added/);
    expect(w.canary.connections()).toBe(0);
  });
});

describe("failures", () => {
  it("backs off on 429 with Retry-After and 500s, tells the room once, and once on recovery", async () => {
    let healthy = false;
    const good = rss("Flaky", [
      { guid: "f1", title: "Flaky one", link: "https://example.org/f1", date: at(0) },
    ]);
    w.feedServer.set("/flaky.xml", { body: good });
    // command() returns the newest notice; the newest entry may already follow the reply.
    await w.alice.client.sendMessage(w.roomId, `!feed add ${w.feedServer.url("/flaky.xml")} Flaky`);
    await waitForBot('Following "Flaky"');
    w.feedServer.set("/flaky.xml", (n) =>
      healthy
        ? { body: good }
        : n % 2 === 0
          ? { status: 429, headers: { "retry-after": "3" } }
          : { status: 500 },
    );
    await waitForBot('Feed "Flaky" has not been readable', w.roomId, 30_000);
    // Retry-After: 3 was honoured: no request came sooner than 3 s after a 429.
    const log = w.feedServer.requests("/flaky.xml");
    for (let i = 1; i < log.length; i++) {
      if (log[i - 1]?.status === 429)
        expect((log[i]?.at ?? 0) - (log[i - 1]?.at ?? 0)).toBeGreaterThanOrEqual(2900);
    }
    healthy = true;
    await waitForBot('Feed "Flaky" works again', w.roomId, 30_000);
    await sleep(2000);
    expect(await count('Feed "Flaky" has not been readable')).toBe(1);
    expect(await count('Feed "Flaky" works again')).toBe(1);
  });
});

describe("crashes", () => {
  it("loses nothing and duplicates nothing across a crash before and after the send", async () => {
    const room = await roomWithBot(w.stack, w.alice, { name: "Crashy" });
    const items = [{ guid: "c1", title: "Crash one", link: "https://example.org/c1", date: at(1) }];
    w.feedServer.set("/crash.xml", { body: rss("Crash", items) });
    await command(w.stack, w.alice, room, `!feed add ${w.feedServer.url("/crash.xml")} Crash`);
    await waitForBot("Crash one", room);

    // The bot loses its voice: the next entry is queued but cannot be sent; then a crash.
    const pl = (await w.alice.client.getState(room, "m.room.power_levels")) ?? {};
    await w.alice.client.sendState(room, "m.room.power_levels", "", {
      ...pl,
      events: {
        ...((pl.events as Record<string, number> | undefined) ?? {}),
        "m.room.message": 100,
      },
    });
    items.unshift({ guid: "c2", title: "Crash two", link: "https://example.org/c2", date: at(0) });
    w.feedServer.set("/crash.xml", { body: rss("Crash", items) });
    const dbFile = path.join(w.stack.dataDir, "atrium.db");
    await waitUntil(async () => (await outboxStates(dbFile, "Crash two")).includes("pending"));
    await w.stack.stopAppservice({ crash: true });
    await w.alice.client.sendState(room, "m.room.power_levels", "", pl);
    await w.stack.restart();
    await waitForBot("Crash two", room);

    // A crash right after the homeserver accepted the message, before it was marked sent:
    // the row is pending again on restart, and the resend is the same transaction.
    await w.stack.stopAppservice({ crash: true });
    const store = await Store.open({ engine: "sqlite", filename: dbFile });
    await store.db
      .updateTable("feed_outbox")
      .set({ state: "pending", sent_at: null })
      .where("plain", "like", "%Crash two%")
      .execute();
    await store.close();
    await w.stack.restart();
    await waitUntil(async () => !(await outboxStates(dbFile, "Crash two")).includes("pending"));
    await sleep(2000);
    expect(await count("Crash one", room)).toBe(1);
    expect(await count("Crash two", room)).toBe(1);
  });
});

async function outboxStates(dbFile: string, text: string): Promise<string[]> {
  const store = await Store.open({ engine: "sqlite", filename: dbFile });
  try {
    const rows = await store.db
      .selectFrom("feed_outbox")
      .select("state")
      .where("plain", "like", `%${text}%`)
      .execute();
    return rows.map((r) => r.state);
  } finally {
    await store.close();
  }
}

async function waitUntil(check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await sleep(300);
  }
  throw new Error("condition not met in time");
}
