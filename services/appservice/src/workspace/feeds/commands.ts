/**
 * The feed actions of a room — add, list, remove, pause, resume, template, preview — for both
 * front doors: `!feed` typed in the room and the integration manager. Each action is one
 * function returning a {@link FeedResult} (a message for people, or a refusal with its kind),
 * as workspace/room-actions.ts does for widgets; `run` is the command door on top of them.
 * Managing feeds needs the room's `state_default` power level; listing and previewing need
 * none. The bot itself needs only to send messages.
 */
import type { Logger } from "pino";
import { powerContextFrom, stateDefaultLevel, userLevel } from "../../matrix/power";
import { confirmRefusal } from "../../matrix/confirm-refusal";
import type { FeedActionContext, FeedDeps } from "./action-context";
import { addFeed } from "./action-add";
import { changeFeed, listFeeds, setFeedTemplate } from "./action-manage";
import { previewFeed } from "./action-preview";
import {
  off,
  ok,
  refused,
  replyOf,
  type FeedPower,
  type FeedReply,
  type FeedResult,
  type Refusal,
} from "./feed-result";
import { TEMPLATE_VARIABLES } from "./render";

/** An action's parameters after its context: what callers of FeedCommands pass. */
type ActionArgs<F> = F extends (ctx: FeedActionContext, ...rest: infer A) => unknown ? A : never;

export type {
  FeedAnswer,
  FeedPower,
  FeedPreview,
  FeedRefusalKind,
  FeedReply,
  FeedResult,
  FeedSummary,
} from "./feed-result";
export type { FeedActionContext, FeedDeps } from "./action-context";

export const FEED_HELP = [
  "`!feed add <url> [label]` — post a feed's new entries here (RSS, Atom, JSON Feed)",
  "`!feed list` — the feeds of this room",
  "`!feed remove|pause|resume <label or number>`",
  "`!feed template <label or number> <template>|default` — variables: " +
    TEMPLATE_VARIABLES.map((v) => `$${v}`).join(" ") +
    " (`\\n` for a new line)",
  "`!feed preview <url>` — the newest entry as it would be posted (posts nothing)",
].join("\n");

export class FeedCommands {
  private readonly ctx: FeedActionContext;

  constructor(private readonly deps: FeedDeps) {
    this.ctx = {
      deps,
      get enabled() {
        return deps.config.enabled;
      },
      now: () => this.now(),
      mayManage: (roomId, userId) => this.mayManage(roomId, userId),
    };
  }

  private now(): number {
    return this.deps.now?.() ?? Date.now();
  }

  get enabled(): boolean {
    return this.deps.config.enabled;
  }

  /** The command door: runs `!feed <rest>` sent by `sender` in `roomId`. */
  async run(roomId: string, sender: string, rest: string, log: Logger): Promise<FeedReply> {
    const [sub = "", ...args] = rest.trim().split(/\s+/).filter(Boolean);
    const verb = sub.toLowerCase();
    if (!this.enabled) return replyOf(off());
    if (verb === "" || verb === "help") return replyOf(ok(`Feeds:\n${FEED_HELP}`));
    switch (verb) {
      case "list":
        return replyOf(await this.list(roomId));
      case "preview":
        // Off the lane: the room's next command does not wait for a stranger's server.
        return {
          later: this.preview(args[0], undefined, log, { userId: sender, roomId }).then(replyOf),
        };
      case "add":
        return replyOf(await this.add(roomId, sender, args[0], args.slice(1).join(" "), log));
      case "template": {
        const which = args[0] ?? "";
        const after = rest.trim().slice(sub.length).trim();
        return replyOf(
          await this.template(roomId, sender, which, after.slice(which.length).trim()),
        );
      }
      case "remove":
      case "pause":
      case "resume":
        return replyOf(await this.change(roomId, sender, verb, args.join(" ")));
      default:
        return replyOf(
          refused("invalid", `I don't know \`!feed ${sub.slice(0, 32)}\`.\n${FEED_HELP}`),
        );
    }
  }

  /** The level managing feeds needs in `roomId` (its `state_default`), and `userId`'s. */
  async power(roomId: string, userId: string): Promise<FeedPower> {
    return confirmRefusal(
      this.deps.gateway,
      roomId,
      async () => {
        const ctx = powerContextFrom(await this.deps.gateway.roomState(roomId));
        const neededLevel = stateDefaultLevel(ctx.powerLevels);
        const level = userLevel(ctx, userId);
        return { neededLevel, level, canManage: level >= neededLevel };
      },
      (power) => !power.canManage,
      userId,
    );
  }

  /** Null when `userId` may manage the room's feeds (and feeds are on); else the refusal. */
  private async mayManage(roomId: string, userId: string): Promise<Refusal | null> {
    if (!this.enabled) return off();
    const { neededLevel, level, canManage } = await this.power(roomId, userId);
    if (canManage) return null;
    return refused(
      "power",
      `Managing feeds here needs power level ${neededLevel} (the room's level for changing settings); you have ${level}. Ask a room moderator. Nothing was changed.`,
      { neededLevel },
    );
  }

  /** Follows `rawUrl` in `roomId` as `rawLabel` (or the feed's title); needs state_default. */
  add(...args: ActionArgs<typeof addFeed>): Promise<FeedResult> {
    return addFeed(this.ctx, ...args);
  }

  /**
   * The room's feeds; needs no power. URLs are redacted (redact.ts) unless `fullUrls`: only for
   * a viewer who may manage the feeds, never in a room message, which every member reads.
   */
  list(roomId: string, opts: { fullUrls: boolean } = { fullUrls: false }): Promise<FeedResult> {
    return listFeeds(this.ctx, roomId, opts);
  }

  /** Removes, pauses or resumes the feed `which` (label or number); needs state_default. */
  change(...args: ActionArgs<typeof changeFeed>): Promise<FeedResult> {
    return changeFeed(this.ctx, ...args);
  }

  /** Sets the template of the feed `which`; `default` goes back to the default. */
  template(...args: ActionArgs<typeof setFeedTemplate>): Promise<FeedResult> {
    return setFeedTemplate(this.ctx, ...args);
  }

  /**
   * The newest entry of `rawUrl` as it would be posted (under `label`, else the feed's title);
   * posts and adds nothing, needs no power, but is bounded (preview-gate.ts): `asker` may
   * start `previewsPerUserPerMinute` in the room, and `previewConcurrency` run server-wide.
   */
  preview(...args: ActionArgs<typeof previewFeed>): Promise<FeedResult> {
    return previewFeed(this.ctx, ...args);
  }
}
