/**
 * `!feed` in a room: add, list, remove, pause, resume, template, preview. Managing feeds needs
 * the room's `state_default` power level; listing and previewing need none. The bot itself
 * needs only to send messages.
 */
import type { Logger } from "pino";
import type { MatrixGateway } from "../matrix/gateway";
import { powerContextFrom, stateDefaultLevel, userLevel } from "../matrix/power";
import type { FeedsConfig } from "./config";
import type { Delivery } from "./delivery";
import { FeedFetchError, type Fetcher } from "./fetch";
import { FeedParseError, type FeedItem } from "./parse";
import { readFeed } from "./poller";
import {
  checkTemplate,
  DEFAULT_TEMPLATE,
  escapeHtml,
  renderItem,
  TEMPLATE_VARIABLES,
} from "./render";
import { intervalSeconds, maxAgeSeconds } from "./schedule";
import type { FeedStore, SubscriptionRow } from "./store";

export interface FeedReply {
  outcome: "done" | "refused" | "failed";
  reply: { plain: string; html: string };
  /** Runs once the reply was sent. */
  after?: () => void;
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

export class FeedCommands {
  constructor(
    private readonly deps: {
      config: FeedsConfig;
      store: FeedStore;
      gateway: Pick<MatrixGateway, "roomState">;
      fetcher: Fetcher;
      delivery: Pick<Delivery, "kick">;
      /** Told when a feed was added or resumed, so the poller plans its next read. */
      poller: { tick(): Promise<void> };
      now?: () => number;
    },
  ) {}

  private now(): number {
    return this.deps.now?.() ?? Date.now();
  }

  /** Runs `!feed <rest>` sent by `sender` in `roomId`. */
  async run(roomId: string, sender: string, rest: string, log: Logger): Promise<FeedReply> {
    const [sub = "", ...args] = rest.trim().split(/\s+/).filter(Boolean);
    const verb = sub.toLowerCase();
    if (!this.deps.config.enabled) return refuse("Feeds are turned off on this server.");
    if (verb === "" || verb === "help") return done(`Feeds:\n${FEED_HELP}`);
    if (verb === "list") return this.list(roomId);
    if (verb === "preview") return this.preview(args[0], log);
    if (!["add", "remove", "pause", "resume", "template"].includes(verb)) {
      return refuse(`I don't know \`!feed ${sub.slice(0, 32)}\`.\n${FEED_HELP}`);
    }
    const power = await this.checkPower(roomId, sender);
    if (power) return power;
    switch (verb) {
      case "add":
        return this.add(roomId, sender, args[0], args.slice(1).join(" "), log);
      case "template": {
        const which = args[0] ?? "";
        const after = rest.trim().slice(sub.length).trim();
        return this.template(roomId, which, after.slice(which.length).trim());
      }
      default:
        return this.change(roomId, verb as "remove" | "pause" | "resume", args.join(" "));
    }
  }

  private async checkPower(roomId: string, sender: string): Promise<FeedReply | null> {
    const ctx = powerContextFrom(await this.deps.gateway.roomState(roomId));
    const needed = stateDefaultLevel(ctx.powerLevels);
    const level = userLevel(ctx, sender);
    if (level >= needed) return null;
    return refuse(
      `Managing feeds here needs power level ${needed} (the room's level for changing settings); you have ${level}. Ask a room moderator. Nothing was changed.`,
    );
  }

  private async add(
    roomId: string,
    sender: string,
    rawUrl: string | undefined,
    rawLabel: string,
    log: Logger,
  ): Promise<FeedReply> {
    const url = checkUrl(rawUrl);
    if (typeof url !== "string") return url;
    const { store, config } = this.deps;
    const existing = await store.subscriptionsInRoom(roomId);
    const same = existing.find((s) => s.url === url);
    if (same)
      return refuse(`This room already follows that feed as "${same.label}" (#${same.id}).`);
    if (existing.length >= config.maxPerRoom) {
      return refuse(
        `This room follows ${existing.length} feeds, the most allowed here. Remove one first.`,
      );
    }
    const label = rawLabel.trim();
    if (label.length > MAX_LABEL || /[\p{Cc}]/u.test(label) || /^\d+$/.test(label)) {
      return refuse(
        `A label has 1 to ${MAX_LABEL} characters and is not just a number. Nothing was added.`,
      );
    }
    const now = this.now();
    let read: Awaited<ReturnType<typeof readFeed>>;
    try {
      read = await readFeed(this.deps.fetcher, { url }, config.maxItems);
    } catch (error: unknown) {
      return refuse(`I could not read that feed: ${readProblem(error, log)}. Nothing was added.`);
    }
    const { response, parsed } = read;
    if (!parsed)
      return refuse(
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
      addedBy: sender,
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
    const reply = done(
      `Following "${finalLabel}" (#${sub.id}, ${url}). ${posted} Checked every ${interval < 120 ? `${interval} s` : `${Math.round(interval / 60)} min`}.`,
    );
    // The entries follow the reply; if the reply is never sent (a crash), start() sends them.
    return {
      ...reply,
      after: () => {
        void this.deps.delivery.kick();
        void this.deps.poller.tick();
      },
    };
  }

  private async list(roomId: string): Promise<FeedReply> {
    const subs = await this.deps.store.subscriptionsInRoom(roomId);
    if (subs.length === 0) return done("This room follows no feeds. `!feed add <url>` adds one.");
    const lines = subs.map((s) => {
      const status =
        s.state === "gone"
          ? "gone (410), paused"
          : s.paused
            ? "paused"
            : s.failures > 0
              ? `failing: ${s.last_error ?? "error"}`
              : "active";
      return `#${s.id} ${s.label} — ${s.url} (${status}${s.template ? ", own template" : ""})`;
    });
    return done(`Feeds of this room:\n${lines.join("\n")}`);
  }

  private async find(roomId: string, which: string): Promise<SubscriptionRow | FeedReply> {
    const subs = await this.deps.store.subscriptionsInRoom(roomId);
    const wanted = which.trim().replace(/^#/, "");
    if (!wanted) return refuse("Name the feed by its label or number (see `!feed list`).");
    const found =
      subs.find((s) => String(s.id) === wanted) ??
      subs.find((s) => s.label.toLowerCase() === wanted.toLowerCase());
    return (
      found ?? refuse(`This room has no feed "${wanted.slice(0, 60)}". \`!feed list\` shows them.`)
    );
  }

  private async change(
    roomId: string,
    verb: "remove" | "pause" | "resume",
    which: string,
  ): Promise<FeedReply> {
    const sub = await this.find(roomId, which);
    if ("outcome" in sub) return sub;
    const { store } = this.deps;
    if (verb === "remove") {
      await store.removeSubscription(sub);
      return done(`Removed the feed "${sub.label}"; nothing more will be posted from it.`);
    }
    await store.setPaused(sub.id, verb === "pause");
    if (verb === "resume") {
      const feed = await store.feed(sub.feed_id);
      if (feed && (feed.state === "gone" || feed.failures > 0)) {
        await store.updateFeed(feed.id, { state: "active", next_fetch_at: this.now() });
      }
      void this.deps.poller.tick();
      return done(`Resumed "${sub.label}"; new entries will be posted again.`);
    }
    return done(
      `Paused "${sub.label}"; entries published meanwhile are not posted. \`!feed resume ${sub.label}\` resumes.`,
    );
  }

  private async template(roomId: string, which: string, template: string): Promise<FeedReply> {
    const sub = await this.find(roomId, which);
    if ("outcome" in sub) return sub;
    if (!template)
      return refuse(
        `Give a template or \`default\`. The default is: ${DEFAULT_TEMPLATE.replace("\n", "\\n")}`,
      );
    if (template.toLowerCase() === "default") {
      await this.deps.store.setTemplate(sub.id, null);
      return done(`"${sub.label}" uses the default template again.`);
    }
    const problem = checkTemplate(template);
    if (problem) return refuse(`${problem} Nothing was changed.`);
    await this.deps.store.setTemplate(sub.id, template);
    return done(`"${sub.label}" now uses the template: ${template}`);
  }

  private async preview(rawUrl: string | undefined, log: Logger): Promise<FeedReply> {
    const url = checkUrl(rawUrl);
    if (typeof url !== "string") return url;
    try {
      const { response, parsed } = await readFeed(
        this.deps.fetcher,
        { url },
        this.deps.config.maxItems,
      );
      if (!parsed)
        return refuse(`I could not read that feed: the server answered HTTP ${response.status}.`);
      const item = parsed.items[0];
      if (!item) return done(`"${parsed.title}" has no entries yet. Nothing was posted or added.`);
      const r = renderItem(item, {
        feed: parsed.title,
        template: null,
        summaryMaxChars: this.deps.config.summaryMaxChars,
      });
      const note = "Preview (nothing was added):";
      return {
        outcome: "done",
        reply: { plain: `${note}\n${r.plain}`, html: `<em>${escapeHtml(note)}</em><br>${r.html}` },
      };
    } catch (error: unknown) {
      return refuse(`I could not read that feed: ${readProblem(error, log)}.`);
    }
  }
}

function checkUrl(raw: string | undefined): string | FeedReply {
  if (!raw) return refuse("Give the feed's address: `!feed add https://example.org/feed.xml`.");
  if (raw.length > MAX_URL) return refuse(`That address is longer than ${MAX_URL} characters.`);
  let url: URL;
  try {
    url = new URL(raw.replace(/^<(.*)>$/, "$1"));
  } catch {
    return refuse("That is not a web address; give a full http:// or https:// URL.");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return refuse("Only http:// and https:// feeds can be followed.");
  }
  if (url.username || url.password)
    return refuse("Feed addresses with a user name or password are refused.");
  url.hash = "";
  return url.toString();
}

function readProblem(error: unknown, log: Logger): string {
  if (error instanceof FeedFetchError) {
    return error.kind === "blocked"
      ? "its address is on a private or local network, which feeds may not reach"
      : error.message;
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

function done(text: string): FeedReply {
  return { outcome: "done", reply: plainReply(text) };
}

function refuse(text: string): FeedReply {
  return { outcome: "refused", reply: plainReply(text) };
}

function plainReply(text: string): FeedReply["reply"] {
  const html = escapeHtml(text)
    .replace(/`([^`]+)`/g, "<code>$1</code>")
    .replace(/\n/g, "<br>");
  return { plain: text.replace(/`/g, ""), html };
}
