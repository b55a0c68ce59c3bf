/**
 * The feed actions on a real SQLite store with a scripted fetcher: the `!feed` replies (the
 * command door) and the results the integration manager maps to HTTP (the other door), which
 * come from the same function per action.
 */
import pino from "pino";
import { Store } from "../../store/store";
import type { StateEvent } from "../../matrix/gateway";
import type { FeedAnswer, FeedCommands } from "./commands";
import { feedsConfigSchema } from "./config";
import { FeedFetchError, type FeedResponse, type Fetcher } from "./fetch";
import { answerOf, feedCommandsWith } from "../../test-support/feeds";

const log = pino({ level: "silent" });
const ROOM = "!room:x";
const ALICE = "@alice:x";
const BOB = "@bob:x";
const NOW = Date.UTC(2026, 0, 10, 12);

function rss(title: string, items: Array<{ guid: string; title: string; link: string }>): string {
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>${title}</title><link>https://e.example/</link><description>d</description>${items
    .map(
      (i, n) =>
        `<item><title>${i.title}</title><link>${i.link}</link><guid isPermaLink="false">${i.guid}</guid><pubDate>${new Date(NOW - n * 3_600_000).toUTCString()}</pubDate><description>About ${i.title}</description></item>`,
    )
    .join("")}</channel></rss>`;
}

const FEEDS: Record<string, string> = {
  "https://e.example/blog.xml": rss("Example blog", [
    { guid: "b2", title: "Second post", link: "https://e.example/2" },
    { guid: "b1", title: "First post", link: "https://e.example/1" },
  ]),
  "https://e.example/empty.xml": rss("Quiet", []),
};

const fetcher: Fetcher = {
  fetch: async ({ url }) => {
    if (url.startsWith("http://10.")) throw new FeedFetchError("blocked", "blocked");
    const body = FEEDS[url];
    const response: FeedResponse = {
      status: body ? 200 : 404,
      url,
      movedTo: null,
      headers: {},
      body: body ? Buffer.from(body) : null,
    };
    return response;
  },
};

const state: StateEvent[] = [
  { type: "m.room.create", state_key: "", content: { room_version: "10" }, sender: ALICE },
  {
    type: "m.room.power_levels",
    state_key: "",
    content: { users: { [ALICE]: 100 }, state_default: 50 },
  },
];

let store: Store;
let feeds: FeedCommands;
let kicks = 0;
let ticks = 0;

/** The feed actions over this test's store and the scripted feeds, counting kicks and ticks. */
const feedCommands = (config = feedsConfigSchema.parse({})) =>
  feedCommandsWith({
    store,
    fetcher,
    roomState: state,
    now: NOW,
    config,
    onKick: () => void kicks++,
    onTick: () => void ticks++,
  });

beforeEach(async () => {
  store = await Store.open({ engine: "sqlite", filename: ":memory:" });
  kicks = 0;
  ticks = 0;
  feeds = feedCommands();
});

afterEach(async () => {
  await store.close();
});

/** The answer of `!feed <rest>`. */
const run = (rest: string, sender = ALICE): Promise<FeedAnswer> =>
  answerOf(feeds.run(ROOM, sender, rest, log));

describe("!feed (the command door)", () => {
  it("adds, lists, pauses, resumes, sets a template and removes, with the same replies", async () => {
    const added = await run("add https://e.example/blog.xml Blog");
    expect(added.outcome).toBe("done");
    expect(added.reply.plain).toBe(
      'Following "Blog" (#1, https://e.example/blog.xml). Its newest entry follows; new ones will be posted here. Checked every 15 min.',
    );
    added.after?.();
    expect([kicks, ticks]).toEqual([1, 1]);

    expect((await run("list")).reply.plain).toBe(
      "Feeds of this room:\n#1 Blog — https://e.example/blog.xml (active)",
    );
    const paused = await run("pause Blog");
    expect(paused.reply.plain).toBe(
      'Paused "Blog"; entries published meanwhile are not posted. !feed resume Blog resumes.',
    );
    expect(paused.reply.html).toContain("<code>!feed resume Blog</code>");
    expect((await run("list")).reply.plain).toMatch(/\(paused\)$/);
    expect((await run("resume #1")).reply.plain).toBe(
      'Resumed "Blog"; new entries will be posted again.',
    );
    expect((await run("template Blog $title ($link)")).reply.plain).toBe(
      '"Blog" now uses the template: $title ($link)',
    );
    expect((await run("list")).reply.plain).toMatch(/\(active, own template\)$/);
    expect((await run("template Blog default")).reply.plain).toBe(
      '"Blog" uses the default template again.',
    );
    expect((await run("remove blog")).reply.plain).toBe(
      'Removed the feed "Blog"; nothing more will be posted from it.',
    );
    expect((await run("list")).reply.plain).toBe(
      "This room follows no feeds. !feed add <url> adds one.",
    );
  });

  it("refuses a member below state_default before reading anything", async () => {
    const refused = await run("add https://e.example/blog.xml", BOB);
    expect(refused).toMatchObject({
      outcome: "refused",
      reply: {
        plain:
          "Managing feeds here needs power level 50 (the room's level for changing settings); you have 0. Ask a room moderator. Nothing was changed.",
      },
    });
    expect((await run("remove 1", BOB)).outcome).toBe("refused");
    // Listing and previewing need no power.
    expect((await run("list", BOB)).outcome).toBe("done");
    expect((await run("preview https://e.example/blog.xml", BOB)).outcome).toBe("done");
  });

  /** One refusal: the exact reply, or a pattern where only part of it is the point. */
  const refuses = async (rest: string, reply: string | RegExp) => {
    const plain = (await run(rest)).reply.plain;
    if (typeof reply === "string") expect(plain).toBe(reply);
    else expect(plain).toMatch(reply);
  };

  describe("refuses bad input with the reason, changing nothing", () => {
    it.each<[string, string | RegExp]>([
      ["add", "Give the feed's address: !feed add https://example.org/feed.xml."],
      ["add ftp://e.example/x", "Only http:// and https:// feeds can be followed."],
      [
        "add http://10.0.0.1/feed",
        "I could not read that feed: its address is on a private or local network, which feeds may not reach. Nothing was added.",
      ],
      [
        "add https://e.example/missing.xml",
        "I could not read that feed: the server answered HTTP 404. Nothing was added.",
      ],
      ["add https://e.example/blog.xml 123", /not just a number/],
    ])("!feed %s", refuses);

    describe("once the room follows Blog", () => {
      beforeEach(() => run("add https://e.example/blog.xml Blog"));
      it.each<[string, string | RegExp]>([
        ["add https://e.example/blog.xml", 'This room already follows that feed as "Blog" (#1).'],
        ["pause Nope", 'This room has no feed "Nope". !feed list shows them.'],
        ["pause", "Name the feed by its label or number (see !feed list)."],
        ["template Blog $nope", /^Unknown template variable \$nope; .* Nothing was changed\.$/],
        ["template Blog", /^Give a template or default\./],
        ["frobnicate", /^I don't know !feed frobnicate\./],
      ])("!feed %s", refuses);
    });
  });

  it("previews the newest entry, posting and adding nothing", async () => {
    const preview = await run("preview https://e.example/blog.xml");
    expect(preview.reply.plain).toBe(
      "Preview (nothing was added):\nExample blog: Second post (https://e.example/2)\nAbout Second post",
    );
    expect(preview.reply.html).toMatch(
      /^<em>Preview \(nothing was added\):<\/em><br>Example blog: <a href="https:\/\/e.example\/2"/,
    );
    expect((await run("preview https://e.example/empty.xml")).reply.plain).toBe(
      '"Quiet" has no entries yet. Nothing was posted or added.',
    );
    expect((await run("list")).reply.plain).toMatch(/follows no feeds/);
  });
});

describe("the actions (the integration manager's door)", () => {
  it("returns the feed, the list and the preview as data, with door-neutral messages", async () => {
    const added = await feeds.add(ROOM, ALICE, "https://e.example/blog.xml", "", log);
    expect(added).toMatchObject({
      ok: true,
      feed: {
        id: 1,
        label: "Example blog",
        url: "https://e.example/blog.xml",
        state: "active",
        error: null,
        template: null,
        addedBy: ALICE,
      },
    });
    expect((await feeds.change(ROOM, ALICE, "pause", "1")).message).toBe(
      'Paused "Example blog"; entries published meanwhile are not posted.',
    );
    expect(await feeds.list(ROOM)).toMatchObject({
      ok: true,
      feeds: [{ id: 1, state: "paused" }],
    });
    const preview = await feeds.preview("https://e.example/blog.xml", "News", log, {
      userId: ALICE,
      roomId: ROOM,
    });
    expect(preview).toMatchObject({
      ok: true,
      preview: {
        feedTitle: "Example blog",
        entry: { plain: "News: Second post (https://e.example/2)\nAbout Second post" },
      },
    });
    expect(
      await feeds.preview("https://e.example/empty.xml", undefined, log, {
        userId: ALICE,
        roomId: ROOM,
      }),
    ).toMatchObject({
      ok: true,
      preview: { feedTitle: "Quiet", entry: null },
    });
  });

  it("refuses with a kind each door maps: power (with the level), invalid, not-found, off", async () => {
    expect(await feeds.add(ROOM, BOB, "https://e.example/blog.xml", "", log)).toMatchObject({
      ok: false,
      kind: "power",
      neededLevel: 50,
    });
    expect(await feeds.change(ROOM, BOB, "remove", "1")).toMatchObject({
      ok: false,
      kind: "power",
    });
    const blocked = await feeds.add(ROOM, ALICE, "http://10.0.0.1/feed", "", log);
    expect(blocked).toMatchObject({ ok: false, kind: "invalid" });
    expect(blocked.message).toMatch(/private or local network/);
    const missing = await feeds.change(ROOM, ALICE, "resume", "42");
    expect(missing).toEqual({
      ok: false,
      kind: "not-found",
      message: 'This room has no feed "42".',
      command: 'This room has no feed "42". `!feed list` shows them.',
    });
    expect(await feeds.add(ROOM, ALICE, undefined, "", log)).toMatchObject({
      kind: "invalid",
      message: "Give the feed's address: a full http:// or https:// URL.",
    });
    expect(
      await feeds.preview("https://e.example/blog.xml", "7", log, { userId: ALICE, roomId: ROOM }),
    ).toMatchObject({
      kind: "invalid",
    });
  });

  it("refuses everything, and !feed says so, when feeds are turned off", async () => {
    const disabled = feedCommands(feedsConfigSchema.parse({ enabled: false }));
    expect(await disabled.list(ROOM)).toMatchObject({ ok: false, kind: "off" });
    expect(await disabled.add(ROOM, ALICE, "https://e.example/blog.xml", "", log)).toMatchObject({
      ok: false,
      kind: "off",
    });
    expect((await answerOf(disabled.run(ROOM, ALICE, "list", log))).reply.plain).toBe(
      "Feeds are turned off on this server.",
    );
  });
});
