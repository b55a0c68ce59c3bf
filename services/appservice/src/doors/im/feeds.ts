/**
 * The integration manager's feed routes (`/api/atrium/rooms/:roomId/feeds…`, the contract in
 * `@atrium/widgets` im-api.ts): list, add, remove, pause, resume, set a template and preview,
 * through the same FeedCommands actions as `!feed` — the same power rule (the room's
 * `state_default`), URL checks, fetch guard and messages. The caller must be joined and the
 * bot in the room, as for the widget routes.
 */
import type express from "express";
import type { ImFeed, ImFeedActionResult, ImFeedList } from "@atrium/widgets";
import type { FeedCommands, FeedRefusalKind, FeedResult, FeedSummary } from "../../workspace/feeds";
import { badRequest } from "../../matrix/access-error";
import { guarded } from "../pages/route-guards";
import type { ImProtocolDeps } from "./protocol";
import { imAction } from "./action";
import { callerOf, requireJoined, roomIdOf, STATUS } from "./rooms";
import type { RoomViewDeps } from "./room-view";

export interface ImFeedDeps extends ImProtocolDeps, RoomViewDeps {
  feeds: FeedCommands;
}

const FEED_STATUS: Record<FeedRefusalKind, [number, string]> = {
  power: STATUS.power,
  invalid: STATUS.invalid,
  "not-found": STATUS["not-found"],
  off: [409, "ATRIUM_FEEDS_OFF"],
  limited: [429, "M_LIMIT_EXCEEDED"],
};

const BOT_NEEDED_FOR = "so it can post the feeds' entries";

function feedOf(s: FeedSummary): ImFeed {
  return { ...s };
}

function bodyOf(req: express.Request): Record<string, unknown> {
  const b: unknown = req.body;
  return b && typeof b === "object" ? (b as Record<string, unknown>) : {};
}

/** `{url, label?}`: the URL is checked by the action, like `!feed add`'s. */
function urlAndLabel(req: express.Request): { url: string; label: string } {
  const { url, label } = bodyOf(req);
  if (typeof url !== "string") throw badRequest('Send {"url": "https://…"}.');
  if (label !== undefined && label !== null && typeof label !== "string")
    throw badRequest("label must be a string.");
  return { url, label: typeof label === "string" ? label : "" };
}

function feedIdOf(req: express.Request): string {
  return String(req.params.feedId ?? "");
}

/** Backticks mark commands in `!feed` replies; the IM shows the plain text, as the room does. */
const plain = (text: string) => text.replace(/`/g, "");

/** Adds the feed routes to the IM app. */
export function addFeedRoutes(app: express.Express, deps: ImFeedDeps): void {
  const { feeds, log } = deps;
  const caller = callerOf(deps);

  /** Runs a feed action for a joined member with the bot in the room; the action checks power. */
  const act = (
    actionOf: string | ((req: express.Request) => string),
    run: (roomId: string, userId: string, req: express.Request) => Promise<FeedResult>,
  ): express.RequestHandler =>
    imAction(deps, actionOf, {
      caller,
      roomIdOf,
      requireJoined: (roomId, userId) => requireJoined(deps, roomId, userId, BOT_NEEDED_FOR),
      statuses: FEED_STATUS,
      messageOf: plain,
      run,
      done: (result, { res }) => {
        const body: ImFeedActionResult = {
          message: plain(result.message),
          ...(result.feed ? { feed: feedOf(result.feed) } : {}),
          ...(result.preview ? { preview: result.preview } : {}),
        };
        res.send(body);
        // Like `!feed add`: the newest entries follow the answer.
        result.after?.();
      },
    });

  app.get(
    "/api/atrium/rooms/:roomId/feeds",
    guarded(log, async (req, res) => {
      const userId = await caller(req);
      const roomId = roomIdOf(req);
      await requireJoined(deps, roomId, userId, BOT_NEEDED_FOR);
      const power = await feeds.power(roomId, userId);
      // Full URLs (with their query strings, which may hold secrets) only for those who manage.
      const result = await feeds.list(roomId, { fullUrls: power.canManage });
      if (!result.ok) {
        const [status, errcode] = FEED_STATUS[result.kind];
        res.status(status).send({ errcode, error: plain(result.message) });
        return;
      }
      const body: ImFeedList = {
        neededLevel: power.neededLevel,
        canManage: power.canManage,
        feeds: (result.feeds ?? []).map(feedOf),
      };
      res.set("Cache-Control", "no-store").send(body);
    }),
  );
  app.post(
    "/api/atrium/rooms/:roomId/feeds",
    act("feed_add", (roomId, userId, req) => {
      const { url, label } = urlAndLabel(req);
      return feeds.add(roomId, userId, url, label, log);
    }),
  );
  app.post(
    "/api/atrium/rooms/:roomId/feeds/preview",
    act("feed_preview", (roomId, userId, req) => {
      const { url, label } = urlAndLabel(req);
      return feeds.preview(url, label, log, { userId, roomId });
    }),
  );
  app.delete(
    "/api/atrium/rooms/:roomId/feeds/:feedId",
    act("feed_remove", (roomId, userId, req) =>
      feeds.change(roomId, userId, "remove", feedIdOf(req)),
    ),
  );
  app.put(
    "/api/atrium/rooms/:roomId/feeds/:feedId/paused",
    act(
      (req) => (bodyOf(req).paused === false ? "feed_resume" : "feed_pause"),
      (roomId, userId, req) => {
        const paused = bodyOf(req).paused;
        if (typeof paused !== "boolean")
          throw badRequest('Send {"paused": true} or {"paused": false}.');
        return feeds.change(roomId, userId, paused ? "pause" : "resume", feedIdOf(req));
      },
    ),
  );
  app.put(
    "/api/atrium/rooms/:roomId/feeds/:feedId/template",
    act("feed_template", (roomId, userId, req) => {
      const { template } = bodyOf(req);
      if (template !== null && typeof template !== "string")
        throw badRequest('Send {"template": "…"}, or {"template": null} for the default.');
      return feeds.template(roomId, userId, feedIdOf(req), template ?? "default");
    }),
  );
}
