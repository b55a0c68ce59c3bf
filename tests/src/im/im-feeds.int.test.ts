/**
 * The integration manager's feed routes against the real Synapse and the appservice process,
 * with a scripted feed server on loopback (allow-listed by exact port, as in feeds.int.test)
 * and a canary standing for an internal target. The routes act through the same feed actions
 * as `!feed`: the same power rule (state_default), URL checks, fetch guard and messages, and a
 * feed added here posts its newest entry to the room and shows in `!feed list`.
 */
import type { TestUser } from "../harness/atrium";
import { command } from "../appservice/fixtures";
import { rss } from "../feeds/feed-server";
import { useImRoom } from "./fixtures";

const w = useImRoom("News");
const tokens = new Map<string, string>();

const day = 86_400_000;
const at = (daysAgo: number) => new Date(Date.now() - daysAgo * day);

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

async function call(method: string, path: string, token: string, body?: unknown): Promise<Answer> {
  const res = await fetch(`${w.stack.imUrl}${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${token}`,
      ...(body !== undefined ? { "Content-Type": "application/json" } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

async function tokenOf(who: TestUser): Promise<string> {
  let token = tokens.get(who.user.userId);
  if (!token) {
    const openid = await who.client.requestOpenIdToken();
    const res = await fetch(`${w.stack.imUrl}/api/register?v=1.1`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(openid),
    });
    token = String(((await res.json()) as { scalar_token: string }).scalar_token);
    tokens.set(who.user.userId, token);
  }
  return token;
}

const feedsPath = (room: string) => `/api/atrium/rooms/${encodeURIComponent(room)}/feeds`;

async function botBodies(room = w.roomId): Promise<string[]> {
  const events = await w.owner.client.messages(room, 200);
  return events
    .filter((e) => e.sender === w.stack.botUserId && e.type === "m.room.message")
    .map((e) => String(e.content.body));
}

beforeAll(() => {
  w.feedServer.set("/blog.xml", {
    body: rss("Example blog", [
      { guid: "b2", title: "Second post", link: "https://example.org/2", date: at(1) },
      { guid: "b1", title: "First post", link: "https://example.org/1", date: at(2) },
    ]),
  });
});

describe("feeds through the integration manager", () => {
  it("lists the room's feeds with the level managing them needs, for each member", async () => {
    const asOwner = await call("GET", feedsPath(w.roomId), await tokenOf(w.owner));
    expect(asOwner).toEqual({
      status: 200,
      body: { neededLevel: 50, canManage: true, feeds: [] },
    });
    const asMember = await call("GET", feedsPath(w.roomId), await tokenOf(w.member));
    expect(asMember.body).toMatchObject({ neededLevel: 50, canManage: false });
    const asStranger = await call("GET", feedsPath(w.roomId), await tokenOf(w.stranger));
    expect(asStranger).toMatchObject({ status: 403, body: { errcode: "M_FORBIDDEN" } });
    expect(String(asStranger.body.error)).toMatch(/not a member/);
  });

  it("previews the newest entry as it would be posted, for any member, posting and adding nothing", async () => {
    const preview = await call("POST", `${feedsPath(w.roomId)}/preview`, await tokenOf(w.member), {
      url: w.feedServer.url("/blog.xml"),
      label: "Blog",
    });
    expect(preview.status).toBe(200);
    expect(preview.body.preview).toMatchObject({
      feedTitle: "Example blog",
      entry: { plain: "Blog: Second post (https://example.org/2)\nAbout Second post" },
    });
    expect(String((preview.body.preview as { entry: { html: string } }).entry.html)).toContain(
      '<a href="https://example.org/2"',
    );
    expect(String(preview.body.message)).toMatch(/^Preview \(nothing was added\):/);
    expect((await call("GET", feedsPath(w.roomId), await tokenOf(w.owner))).body.feeds).toEqual([]);
    expect((await botBodies()).some((b) => b.includes("Second post"))).toBe(false);
  });

  it("adds a feed as !feed add does: its newest entry is posted as a notice, !feed list shows it", async () => {
    const added = await call("POST", feedsPath(w.roomId), await tokenOf(w.owner), {
      url: w.feedServer.url("/blog.xml"),
      label: "Blog",
    });
    expect(added.status).toBe(200);
    expect(String(added.body.message)).toMatch(
      /^Following "Blog" \(#1, .*Its newest entry follows/,
    );
    expect(added.body.feed).toEqual({
      id: 1,
      label: "Blog",
      url: w.feedServer.url("/blog.xml"),
      state: "active",
      error: null,
      template: null,
      addedBy: w.owner.user.userId,
    });
    const notice = await w.owner.client.waitForMessage(
      w.roomId,
      (e) => e.sender === w.stack.botUserId && String(e.content.body).includes("Second post"),
      20_000,
    );
    expect(notice.content.msgtype).toBe("m.notice");
    expect(String(notice.content.body)).toBe(
      "Blog: Second post (https://example.org/2)\nAbout Second post",
    );
    const list = await command(w.stack, w.member, w.roomId, "!feed list");
    expect(String(list.content.body)).toContain(
      `#1 Blog — ${w.feedServer.url("/blog.xml")} (active)`,
    );
    const view = await call("GET", feedsPath(w.roomId), await tokenOf(w.member));
    expect(view.body.feeds).toEqual([added.body.feed]);
  });

  it("refuses a member without power with the level, and bad or internal URLs with the reason", async () => {
    const low = await call("POST", feedsPath(w.roomId), await tokenOf(w.member), {
      url: w.feedServer.url("/other.xml"),
    });
    expect(low).toMatchObject({ status: 403, body: { errcode: "M_FORBIDDEN", neededLevel: 50 } });
    expect(String(low.body.error)).toBe(
      "Managing feeds here needs power level 50 (the room's level for changing settings); you have 0. Ask a room moderator. Nothing was changed.",
    );
    for (const [method, path, body] of [
      ["DELETE", `${feedsPath(w.roomId)}/1`, undefined],
      ["PUT", `${feedsPath(w.roomId)}/1/paused`, { paused: true }],
      ["PUT", `${feedsPath(w.roomId)}/1/template`, { template: "$title" }],
    ] as const) {
      const refused = await call(method, path, await tokenOf(w.member), body);
      expect(refused).toMatchObject({ status: 403, body: { neededLevel: 50 } });
    }
    const outsider = await call("POST", feedsPath(w.roomId), await tokenOf(w.stranger), {
      url: w.feedServer.url("/blog.xml"),
    });
    expect(outsider).toMatchObject({ status: 403, body: { errcode: "M_FORBIDDEN" } });

    const token = await tokenOf(w.owner);
    const ftp = await call("POST", feedsPath(w.roomId), token, { url: "ftp://example.org/feed" });
    expect(ftp).toMatchObject({
      status: 400,
      body: {
        errcode: "M_INVALID_PARAM",
        error: "Only http:// and https:// feeds can be followed.",
      },
    });
    const internal = await call("POST", feedsPath(w.roomId), token, {
      url: `http://127.0.0.1:${w.canary.port}/feed`,
    });
    expect(internal).toMatchObject({ status: 400, body: { errcode: "M_INVALID_PARAM" } });
    expect(String(internal.body.error)).toMatch(/private or local network.*Nothing was added/);
    const internalPreview = await call("POST", `${feedsPath(w.roomId)}/preview`, token, {
      url: `http://127.0.0.1:${w.canary.port}/feed`,
    });
    expect(internalPreview.status).toBe(400);
    expect(w.canary.connections()).toBe(0);
    const twice = await call("POST", feedsPath(w.roomId), token, {
      url: w.feedServer.url("/blog.xml"),
    });
    expect(twice).toMatchObject({
      status: 400,
      body: { error: 'This room already follows that feed as "Blog" (#1).' },
    });
    const missingBody = await call("POST", feedsPath(w.roomId), token, {});
    expect(missingBody.status).toBe(400);
    const unknown = await call("DELETE", `${feedsPath(w.roomId)}/99`, token);
    expect(unknown).toMatchObject({
      status: 404,
      body: { errcode: "M_NOT_FOUND", error: 'This room has no feed "99".' },
    });
    const list = (await call("GET", feedsPath(w.roomId), token)).body.feeds as unknown[];
    expect(list).toHaveLength(1);
  });

  it("pauses, resumes, sets and resets the template, and removes", async () => {
    const token = await tokenOf(w.owner);
    const feed = `${feedsPath(w.roomId)}/1`;
    const state = async () =>
      (
        (await call("GET", feedsPath(w.roomId), token)).body.feeds as Array<Record<string, unknown>>
      )[0];

    const paused = await call("PUT", `${feed}/paused`, token, { paused: true });
    expect(paused).toEqual({
      status: 200,
      body: { message: 'Paused "Blog"; entries published meanwhile are not posted.' },
    });
    expect(await state()).toMatchObject({ state: "paused" });
    const resumed = await call("PUT", `${feed}/paused`, token, { paused: false });
    expect(String(resumed.body.message)).toBe('Resumed "Blog"; new entries will be posted again.');
    expect(await state()).toMatchObject({ state: "active" });
    expect((await call("PUT", `${feed}/paused`, token, {})).status).toBe(400);

    const template = await call("PUT", `${feed}/template`, token, { template: "$title ($link)" });
    expect(template.status).toBe(200);
    expect(await state()).toMatchObject({ template: "$title ($link)" });
    const bad = await call("PUT", `${feed}/template`, token, { template: "$nope" });
    expect(bad).toMatchObject({ status: 400, body: { errcode: "M_INVALID_PARAM" } });
    expect(String(bad.body.error)).toMatch(/Unknown template variable \$nope/);
    await call("PUT", `${feed}/template`, token, { template: null });
    expect(await state()).toMatchObject({ template: null });

    const removed = await call("DELETE", feed, token);
    expect(removed.body.message).toBe(
      'Removed the feed "Blog"; nothing more will be posted from it.',
    );
    expect((await call("GET", feedsPath(w.roomId), token)).body.feeds).toEqual([]);
    expect(String((await command(w.stack, w.owner, w.roomId, "!feed list")).content.body)).toMatch(
      /follows no feeds/,
    );
  });

  it("tells the IM when the bot is not in the room", async () => {
    const withoutBot = await w.owner.client.createRoom({ preset: "private_chat", name: "No bot" });
    const token = await tokenOf(w.owner);
    const list = await call("GET", feedsPath(withoutBot), token);
    expect(list).toMatchObject({ status: 409, body: { errcode: "ATRIUM_BOT_NOT_READY" } });
    const add = await call("POST", feedsPath(withoutBot), token, {
      url: w.feedServer.url("/blog.xml"),
    });
    expect(add).toMatchObject({ status: 409, body: { errcode: "ATRIUM_BOT_NOT_READY" } });
    expect(String(add.body.error)).toMatch(/post the feeds' entries/);
  });

  it("counts the feed actions in atrium_im_actions_total", async () => {
    const metrics = await (await fetch(`${w.stack.appserviceUrl}/metrics`)).text();
    expect(metrics).toMatch(/atrium_im_actions_total\{action="feed_add",outcome="done"\} 1\b/);
    expect(metrics).toMatch(/atrium_im_actions_total\{action="feed_add",outcome="refused"\} \d/);
    expect(metrics).toMatch(/atrium_im_actions_total\{action="feed_preview",outcome="done"\} 1\b/);
    expect(metrics).toMatch(/atrium_im_actions_total\{action="feed_pause",outcome="done"\} 1\b/);
    expect(metrics).toMatch(/atrium_im_actions_total\{action="feed_resume",outcome="done"\} 1\b/);
    expect(metrics).toMatch(/atrium_im_actions_total\{action="feed_remove",outcome="done"\} 1\b/);
    expect(metrics).toMatch(/atrium_im_actions_total\{action="feed_template",outcome="done"\} 2\b/);
  });

  it("shows a feed URL's query values only to members who may manage feeds (issue 22 item 13)", async () => {
    const secretUrl = `${w.feedServer.url("/blog.xml")}?token=s3cret&user=owner`;
    const added = await call("POST", feedsPath(w.roomId), await tokenOf(w.owner), {
      url: secretUrl,
      label: "Private",
    });
    expect(added.status).toBe(200);
    // The adder's own answer carries the URL; the room's message does not.
    expect(added.body.feed).toMatchObject({ url: secretUrl });
    expect(String(added.body.message)).not.toContain("s3cret");
    const redacted = `${w.feedServer.url("/blog.xml")}?token=…&user=…`;
    const forOwner = await call("GET", feedsPath(w.roomId), await tokenOf(w.owner));
    expect(forOwner.body.feeds).toEqual([expect.objectContaining({ url: secretUrl })]);
    const forMember = await call("GET", feedsPath(w.roomId), await tokenOf(w.member));
    expect(forMember.body.feeds).toEqual([expect.objectContaining({ url: redacted })]);
    await w.owner.client.waitForMessage(
      w.roomId,
      (e) => e.sender === w.stack.botUserId && String(e.content.body).startsWith("Private:"),
    );
    const list = String((await command(w.stack, w.member, w.roomId, "!feed list")).content.body);
    expect(list).toContain(redacted);
    expect(list).not.toContain("s3cret");
    expect((await botBodies()).join("\n")).not.toContain("s3cret");
    const id = (added.body.feed as { id: number }).id;
    await call("DELETE", `${feedsPath(w.roomId)}/${id}`, await tokenOf(w.owner));
  });
});
