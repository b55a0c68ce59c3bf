/**
 * The actions on feeds a room already follows: `list` (no power needed), and `remove`,
 * `pause`, `resume` and `template` (state_default), which find the feed by label or number.
 * Moved from commands.ts (issue 24).
 */
import type { FeedActionContext } from "./action-context";
import { off, ok, refused, summaryOf, type FeedResult, type Refusal } from "./feed-result";
import { checkTemplate, DEFAULT_TEMPLATE } from "./render";
import { redactUrl } from "./redact";
import type { SubscriptionRow } from "./store";

/**
 * The room's feeds; needs no power. URLs are redacted (redact.ts) unless `fullUrls`: only for
 * a viewer who may manage the feeds, never in a room message, which every member reads.
 */
export async function listFeeds(
  ctx: FeedActionContext,

  roomId: string,
  opts: { fullUrls: boolean } = { fullUrls: false },
): Promise<FeedResult> {
  if (!ctx.enabled) return off();
  const subs = await ctx.deps.store.subscriptionsInRoom(roomId);
  const feeds = subs
    .map(summaryOf)
    .map((f) => (opts.fullUrls ? f : { ...f, url: redactUrl(f.url) }));
  if (feeds.length === 0) {
    return {
      ...ok(
        "This room follows no feeds.",
        "This room follows no feeds. `!feed add <url>` adds one.",
      ),
      feeds,
    };
  }
  const lines = feeds.map((s) => {
    const status =
      s.state === "gone"
        ? "gone (410), paused"
        : s.state === "failing"
          ? `failing: ${s.error ?? "error"}`
          : s.state;
    return `#${s.id} ${s.label} — ${s.url} (${status}${s.template ? ", own template" : ""})`;
  });
  return { ...ok(`Feeds of this room:\n${lines.join("\n")}`), feeds };
}

/** The room's feed named by `which` (its label or number), or the refusal saying how to name one. */
export async function findFeed(
  ctx: FeedActionContext,
  roomId: string,
  which: string,
): Promise<SubscriptionRow | Refusal> {
  const subs = await ctx.deps.store.subscriptionsInRoom(roomId);
  const wanted = which.trim().replace(/^#/, "");
  if (!wanted)
    return refused(
      "invalid",
      "Name the feed by its label or number.",
      {},
      "Name the feed by its label or number (see `!feed list`).",
    );
  const found =
    subs.find((s) => String(s.id) === wanted) ??
    subs.find((s) => s.label.toLowerCase() === wanted.toLowerCase());
  if (found) return found;
  const none = `This room has no feed "${wanted.slice(0, 60)}".`;
  return refused("not-found", none, {}, `${none} \`!feed list\` shows them.`);
}

/** The feed `which` of `roomId`, when `by` may manage the room's feeds; else the refusal. */
async function managedFeed(
  ctx: FeedActionContext,
  roomId: string,
  by: string,
  which: string,
): Promise<SubscriptionRow | Refusal> {
  return (await ctx.mayManage(roomId, by)) ?? findFeed(ctx, roomId, which);
}

/** Removes, pauses or resumes the feed `which` (label or number); needs state_default. */
export async function changeFeed(
  ctx: FeedActionContext,

  roomId: string,
  by: string,
  verb: "remove" | "pause" | "resume",
  which: string,
): Promise<FeedResult> {
  const sub = await managedFeed(ctx, roomId, by, which);
  if ("ok" in sub) return sub;
  const { store } = ctx.deps;
  if (verb === "remove") {
    await store.removeSubscription(sub);
    return ok(`Removed the feed "${sub.label}"; nothing more will be posted from it.`);
  }
  await store.setPaused(sub.id, verb === "pause");
  if (verb === "resume") {
    const feed = await store.feed(sub.feed_id);
    if (feed && (feed.state === "gone" || feed.failures > 0)) {
      await store.updateFeed(feed.id, { state: "active", next_fetch_at: ctx.now() });
    }
    void ctx.deps.poller.tick();
    return ok(`Resumed "${sub.label}"; new entries will be posted again.`);
  }
  const paused = `Paused "${sub.label}"; entries published meanwhile are not posted.`;
  return ok(paused, `${paused} \`!feed resume ${sub.label}\` resumes.`);
}

/** Sets the template of the feed `which`; `default` goes back to the default. */
export async function setFeedTemplate(
  ctx: FeedActionContext,
  roomId: string,
  by: string,
  which: string,
  template: string,
): Promise<FeedResult> {
  const sub = await managedFeed(ctx, roomId, by, which);
  if ("ok" in sub) return sub;
  if (!template)
    return refused(
      "invalid",
      `Give a template or \`default\`. The default is: ${DEFAULT_TEMPLATE.replace("\n", "\\n")}`,
    );
  if (template.toLowerCase() === "default") {
    await ctx.deps.store.setTemplate(sub.id, null);
    return ok(`"${sub.label}" uses the default template again.`);
  }
  const problem = checkTemplate(template);
  if (problem) return refused("invalid", `${problem} Nothing was changed.`);
  await ctx.deps.store.setTemplate(sub.id, template);
  return ok(`"${sub.label}" now uses the template: ${template}`);
}
