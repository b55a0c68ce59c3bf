/**
 * The feed actions of a room — add, list, remove, pause, resume, template, preview — for both
 * front doors: `!feed` typed in the room and the integration manager. Each action is one
 * function returning a {@link FeedResult} (a message for people, or a refusal with its kind),
 * as service/room-actions.ts does for widgets; `run` is the command door on top of them.
 * Managing feeds needs the room's `state_default` power level; listing and previewing need
 * none. The bot itself needs only to send messages.
 */
import type { Logger } from "pino";
import type { MatrixGateway } from "../matrix/gateway";
import { powerContextFrom, stateDefaultLevel, userLevel } from "../matrix/power";
import { confirmRefusal } from "../matrix/state-cache";
import type { RefusalKind } from "../service/room-actions";
import type { FeedsConfig } from "./config";
import type { Delivery } from "./delivery";
import { BLOCKED_PROBLEM, FeedFetchError, type Fetcher } from "./fetch";
import { FeedParseError, type FeedItem } from "./parse";
import type { FeedParser } from "./parse-pool";
import { readFeed } from "./poller";
import type { PreviewGate } from "./preview-gate";
import {
  checkTemplate,
  DEFAULT_TEMPLATE,
  escapeHtml,
  renderItem,
  TEMPLATE_VARIABLES,
  type Rendered,
} from "./render";
import { redactUrl } from "./redact";
import { intervalSeconds, maxAgeSeconds } from "./schedule";
import type { FeedStore, SubscriptionRow } from "./store";

export interface FeedAnswer {
  outcome: "done" | "refused" | "failed";
  reply: { plain: string; html: string };
  /** Runs once the reply was sent. */
  after?: () => void;
}

/**
 * What `!feed` answers: at once, or `later` — a preview reads a stranger's server, so it runs
 * off the room's ordered lane and its answer follows when it is ready.
 */
export type FeedReply = FeedAnswer | { later: Promise<FeedAnswer> };

/**
 * Why a feed action was refused: the widget kinds that apply, `off` (feeds disabled) and
 * `limited` (too many previews; `retryAfterMs` says when to try again).
 */
export type FeedRefusalKind =
  Extract<RefusalKind, "power" | "invalid" | "not-found"> | "off" | "limited";

/** A subscription of the room, as both doors show it. */
export interface FeedSummary {
  id: number;
  label: string;
  /** The feed's URL; query values and credentials shown as "…" to those who may not manage. */
  url: string;
  /** `gone`: the server answered 410 and polling stopped until resumed. */
  state: "active" | "paused" | "failing" | "gone";
  /** The last fetch error while failing. */
  error: string | null;
  /** The subscription's own template; null for the default. */
  template: string | null;
  addedBy: string;
}

/** What a preview read: the feed's title and its newest entry as it would be posted. */
export interface FeedPreview {
  feedTitle: string;
  /** Null when the feed has no entries yet. */
  entry: Rendered | null;
}

/**
 * The outcome of one action. `message` is for either door; `command`, when present, is the
 * `!feed` door's wording of the same (it names the command to type next).
 */
export type FeedResult =
  | {
      ok: true;
      message: string;
      command?: string;
      feed?: FeedSummary;
      feeds?: FeedSummary[];
      preview?: FeedPreview;
      /** Runs once the answer went out (the newest entries follow it). */
      after?: () => void;
    }
  | {
      ok: false;
      kind: FeedRefusalKind;
      message: string;
      command?: string;
      neededLevel?: number;
      retryAfterMs?: number;
    };

/** Who may manage the room's feeds. */
export interface FeedPower {
  /** The room's `state_default` level. */
  neededLevel: number;
  level: number;
  canManage: boolean;
}

export const FEED_HELP = [
  "`!feed add <url> [label]` — post a feed's new entries here (RSS, Atom, JSON Feed)",
  "`!feed list` — the feeds of this room",
  "`!feed remove|pause|resume <label or number>`",
  "`!feed template <label or number> <template>|default` — variables: " +
    TEMPLATE_VARIABLES.map((v) => `$${v}`).join(" ") +
    " (`\\n` for a new line)",
  "`!feed preview <url>` — the newest entry as it would be posted (posts nothing)",
].join("\n");

const MAX_URL = 2048;
const MAX_LABEL = 40;
const PREVIEW_NOTE = "Preview (nothing was added):";

type Refusal = Extract<FeedResult, { ok: false }>;

export class FeedCommands {
  constructor(
    private readonly deps: {
      config: FeedsConfig;
      store: FeedStore;
      gateway: Pick<MatrixGateway, "roomState" | "refresh" | "recheck">;
      fetcher: Fetcher;
      /** The fetcher of previews: `previewMaxBytes` instead of `maxBytes`. */
      previewFetcher: Fetcher;
      parser: FeedParser;
      previews: PreviewGate;
      delivery: Pick<Delivery, "kick">;
      /** Told when a feed was added or resumed, so the poller plans its next read. */
      poller: { tick(): Promise<void> };
      now?: () => number;
    },
  ) {}

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
  async add(
    roomId: string,
    by: string,
    rawUrl: string | undefined,
    rawLabel: string,
    log: Logger,
  ): Promise<FeedResult> {
    const denied = await this.mayManage(roomId, by);
    if (denied) return denied;
    const url = checkUrl(rawUrl);
    if (typeof url !== "string") return url;
    const { store, config } = this.deps;
    const existing = await store.subscriptionsInRoom(roomId);
    const same = existing.find((s) => s.url === url);
    if (same)
      return refused(
        "invalid",
        `This room already follows that feed as "${same.label}" (#${same.id}).`,
      );
    if (existing.length >= config.maxPerRoom) {
      return refused(
        "invalid",
        `This room follows ${existing.length} feeds, the most allowed here. Remove one first.`,
      );
    }
    const label = rawLabel.trim();
    const badLabel = checkLabel(label);
    if (badLabel) return badLabel;
    const now = this.now();
    let read: Awaited<ReturnType<typeof readFeed>>;
    try {
      read = await readFeed(this.deps.fetcher, this.deps.parser, { url }, config.maxItems);
    } catch (error: unknown) {
      return refused(
        "invalid",
        `I could not read that feed: ${readProblem(error, log)}. Nothing was added.`,
      );
    }
    const { response, parsed } = read;
    if (!parsed)
      return refused(
        "invalid",
        `I could not read that feed: the server answered HTTP ${response.status}. Nothing was added.`,
      );
    const finalLabel = uniqueLabel(
      label || parsed.title,
      existing.map((s) => s.label),
    );
    const newest = parsed.items.slice(0, config.postOnSubscribe).reverse();
    const interval = intervalSeconds(config, [
      maxAgeSeconds(response.headers),
      parsed.intervalHintSeconds,
    ]);
    const sub = await store.subscribe({
      url,
      title: parsed.title,
      roomId,
      label: finalLabel,
      addedBy: by,
      now,
      nextFetchAt: now + interval * 1000,
      validators: {
        etag: headerOf(response.headers.etag),
        lastModified: headerOf(response.headers["last-modified"]),
        bodyHash: read.bodyHash,
      },
      intervalHint: parsed.intervalHintSeconds,
      newestItemAt: newestDate(parsed.items),
      baseline: parsed.items.flatMap((i) => [
        { key: i.key, contentHash: i.contentHash },
        ...(i.linkKey ? [{ key: i.linkKey, contentHash: null }] : []),
      ]),
      backfill: newest.map((item) => {
        const r = renderItem(item, {
          feed: finalLabel,
          template: null,
          summaryMaxChars: config.summaryMaxChars,
        });
        return { itemKey: item.key, plain: r.plain, html: r.html, itemDate: item.date };
      }),
    });

    const posted =
      parsed.items.length === 0
        ? "It has no entries yet; new ones will be posted here."
        : newest.length > 0
          ? `Its newest ${newest.length === 1 ? "entry follows" : `${newest.length} entries follow`}; new ones will be posted here.`
          : "New entries will be posted here.";
    return {
      ...ok(
        `Following "${finalLabel}" (#${sub.id}, ${redactUrl(url)}). ${posted} Checked every ${interval < 120 ? `${interval} s` : `${Math.round(interval / 60)} min`}.`,
      ),
      feed: summaryOf({ ...sub, url, state: "active", last_error: null, failures: 0 }),
      // The entries follow the answer; if it is never sent (a crash), start() sends them.
      after: () => {
        void this.deps.delivery.kick();
        void this.deps.poller.tick();
      },
    };
  }

  /**
   * The room's feeds; needs no power. URLs are redacted (redact.ts) unless `fullUrls`: only for
   * a viewer who may manage the feeds, never in a room message, which every member reads.
   */
  async list(
    roomId: string,
    opts: { fullUrls: boolean } = { fullUrls: false },
  ): Promise<FeedResult> {
    if (!this.enabled) return off();
    const subs = await this.deps.store.subscriptionsInRoom(roomId);
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

  private async find(roomId: string, which: string): Promise<SubscriptionRow | Refusal> {
    const subs = await this.deps.store.subscriptionsInRoom(roomId);
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

  /** Removes, pauses or resumes the feed `which` (label or number); needs state_default. */
  async change(
    roomId: string,
    by: string,
    verb: "remove" | "pause" | "resume",
    which: string,
  ): Promise<FeedResult> {
    const denied = await this.mayManage(roomId, by);
    if (denied) return denied;
    const sub = await this.find(roomId, which);
    if ("ok" in sub) return sub;
    const { store } = this.deps;
    if (verb === "remove") {
      await store.removeSubscription(sub);
      return ok(`Removed the feed "${sub.label}"; nothing more will be posted from it.`);
    }
    await store.setPaused(sub.id, verb === "pause");
    if (verb === "resume") {
      const feed = await store.feed(sub.feed_id);
      if (feed && (feed.state === "gone" || feed.failures > 0)) {
        await store.updateFeed(feed.id, { state: "active", next_fetch_at: this.now() });
      }
      void this.deps.poller.tick();
      return ok(`Resumed "${sub.label}"; new entries will be posted again.`);
    }
    const paused = `Paused "${sub.label}"; entries published meanwhile are not posted.`;
    return ok(paused, `${paused} \`!feed resume ${sub.label}\` resumes.`);
  }

  /** Sets the template of the feed `which`; `default` goes back to the default. */
  async template(roomId: string, by: string, which: string, template: string): Promise<FeedResult> {
    const denied = await this.mayManage(roomId, by);
    if (denied) return denied;
    const sub = await this.find(roomId, which);
    if ("ok" in sub) return sub;
    if (!template)
      return refused(
        "invalid",
        `Give a template or \`default\`. The default is: ${DEFAULT_TEMPLATE.replace("\n", "\\n")}`,
      );
    if (template.toLowerCase() === "default") {
      await this.deps.store.setTemplate(sub.id, null);
      return ok(`"${sub.label}" uses the default template again.`);
    }
    const problem = checkTemplate(template);
    if (problem) return refused("invalid", `${problem} Nothing was changed.`);
    await this.deps.store.setTemplate(sub.id, template);
    return ok(`"${sub.label}" now uses the template: ${template}`);
  }

  /**
   * The newest entry of `rawUrl` as it would be posted (under `label`, else the feed's title);
   * posts and adds nothing, needs no power, but is bounded (preview-gate.ts): `asker` may
   * start `previewsPerUserPerMinute` in the room, and `previewConcurrency` run server-wide.
   */
  async preview(
    rawUrl: string | undefined,
    label: string | undefined,
    log: Logger,
    asker: { userId: string; roomId: string },
  ): Promise<FeedResult> {
    if (!this.enabled) return off();
    const url = checkUrl(rawUrl);
    if (typeof url !== "string") return url;
    if (label?.trim()) {
      const badLabel = checkLabel(label.trim());
      if (badLabel) return badLabel;
    }
    const admission = await this.deps.previews.admit(asker.userId, asker.roomId);
    if (!admission.ok) {
      const seconds = Math.max(1, Math.ceil(admission.retryAfterMs / 1000));
      return refused(
        "limited",
        admission.reason === "rate"
          ? `You have asked for ${this.deps.config.previewsPerUserPerMinute} previews in this room in the last minute, the most allowed; try again in ${seconds} s.`
          : `Too many previews are running on this server; try again in ${seconds} s.`,
        { retryAfterMs: admission.retryAfterMs },
      );
    }
    try {
      const { response, parsed } = await readFeed(
        this.deps.previewFetcher,
        this.deps.parser,
        { url },
        this.deps.config.maxItems,
      );
      if (!parsed)
        return refused(
          "invalid",
          `I could not read that feed: the server answered HTTP ${response.status}.`,
        );
      const item = parsed.items[0];
      if (!item)
        return {
          ...ok(`"${parsed.title}" has no entries yet. Nothing was posted or added.`),
          preview: { feedTitle: parsed.title, entry: null },
        };
      const entry = renderItem(item, {
        feed: label?.trim() || parsed.title,
        template: null,
        summaryMaxChars: this.deps.config.summaryMaxChars,
      });
      return {
        ...ok(`${PREVIEW_NOTE}\n${entry.plain}`),
        preview: { feedTitle: parsed.title, entry },
      };
    } catch (error: unknown) {
      return refused("invalid", `I could not read that feed: ${readProblem(error, log)}.`);
    } finally {
      admission.release();
    }
  }
}

/** The `!feed` reply for a result: the command's wording, `<code>` for backticks. */
function replyOf(result: FeedResult): FeedAnswer {
  const text = result.command ?? result.message;
  if (!result.ok) return { outcome: "refused", reply: plainReply(text) };
  const entry = result.preview?.entry;
  const reply = entry
    ? {
        plain: `${PREVIEW_NOTE}\n${entry.plain}`,
        html: `<em>${escapeHtml(PREVIEW_NOTE)}</em><br>${entry.html}`,
      }
    : plainReply(text);
  return { outcome: "done", reply, ...(result.after ? { after: result.after } : {}) };
}

function summaryOf(
  s: SubscriptionRow & { url: string; state: string; last_error: string | null; failures: number },
): FeedSummary {
  return {
    id: s.id,
    label: s.label,
    url: s.url,
    state:
      s.state === "gone" ? "gone" : s.paused ? "paused" : s.failures > 0 ? "failing" : "active",
    error: s.failures > 0 ? s.last_error : null,
    template: s.template,
    addedBy: s.added_by,
  };
}

function checkLabel(label: string): Refusal | null {
  if (label.length > MAX_LABEL || /[\p{Cc}]/u.test(label) || /^\d+$/.test(label)) {
    return refused(
      "invalid",
      `A label has 1 to ${MAX_LABEL} characters and is not just a number. Nothing was added.`,
    );
  }
  return null;
}

function checkUrl(raw: string | undefined): string | Refusal {
  if (!raw)
    return refused(
      "invalid",
      "Give the feed's address: a full http:// or https:// URL.",
      {},
      "Give the feed's address: `!feed add https://example.org/feed.xml`.",
    );
  if (raw.length > MAX_URL)
    return refused("invalid", `That address is longer than ${MAX_URL} characters.`);
  let url: URL;
  try {
    url = new URL(raw.replace(/^<(.*)>$/, "$1"));
  } catch {
    return refused("invalid", "That is not a web address; give a full http:// or https:// URL.");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return refused("invalid", "Only http:// and https:// feeds can be followed.");
  }
  if (url.username || url.password)
    return refused("invalid", "Feed addresses with a user name or password are refused.");
  url.hash = "";
  return url.toString();
}

function readProblem(error: unknown, log: Logger): string {
  if (error instanceof FeedFetchError) {
    if (error.detail) log.info({ kind: error.kind, detail: error.detail }, "feed read failed");
    return error.kind === "blocked" ? BLOCKED_PROBLEM : error.message;
  }
  if (error instanceof FeedParseError) return error.message;
  log.error({ err: error }, "feed read failed unexpectedly");
  return "an unexpected error (logged)";
}

function uniqueLabel(wanted: string, taken: string[]): string {
  const base = wanted.replace(/\s+/g, " ").trim().slice(0, MAX_LABEL) || "feed";
  const lower = new Set(taken.map((t) => t.toLowerCase()));
  if (!lower.has(base.toLowerCase()) && !/^\d+$/.test(base)) return base;
  for (let n = 2; ; n++) {
    const candidate = `${base.slice(0, MAX_LABEL - 4)} ${n}`;
    if (!lower.has(candidate.toLowerCase())) return candidate;
  }
}

function newestDate(items: FeedItem[]): number | null {
  const dates = items.map((i) => i.date).filter((d): d is number => d !== null);
  return dates.length ? Math.max(...dates) : null;
}

function headerOf(value: string | string[] | undefined): string | null {
  if (Array.isArray(value)) return value[0] ?? null;
  return value && value.length <= 512 ? value : null;
}

function ok(message: string, command?: string): Extract<FeedResult, { ok: true }> {
  return command === undefined ? { ok: true, message } : { ok: true, message, command };
}

function refused(
  kind: FeedRefusalKind,
  message: string,
  extra: { neededLevel?: number; retryAfterMs?: number } = {},
  command?: string,
): Refusal {
  return { ok: false, kind, message, ...extra, ...(command === undefined ? {} : { command }) };
}

function off(): Refusal {
  return refused("off", "Feeds are turned off on this server.");
}

function plainReply(text: string): FeedAnswer["reply"] {
  const html = escapeHtml(text)
    .replace(/`([^`]+)`/g, "<code>$1</code>")
    .replace(/\n/g, "<br>");
  return { plain: text.replace(/`/g, ""), html };
}
