/**
 * The shapes both feed doors share: what an action returns ({@link FeedResult}), what the
 * `!feed` door answers ({@link FeedAnswer}), a subscription as shown ({@link FeedSummary}),
 * and the small builders of those answers. Moved from commands.ts (issue 24).
 */
import type { ImFeed } from "@atrium/widgets";
import type { RefusalKind } from "../room-actions";
import { escapeHtml, type Rendered } from "./render";
import type { SubscriptionRow } from "./store";

/** What the `!feed` door sends back for one command. */
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

/** A subscription of the room, as both doors show it (the IM's contract, `ImFeed`). */
export type FeedSummary = ImFeed;

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

/** The line a preview starts with, in both doors. */
export const PREVIEW_NOTE = "Preview (nothing was added):";

/** A refused {@link FeedResult}. */
export type Refusal = Extract<FeedResult, { ok: false }>;

/** The `!feed` reply for a result: the command's wording, `<code>` for backticks. */
export function replyOf(result: FeedResult): FeedAnswer {
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

/** A subscription row (with its feed's URL and state) as both doors show it. */
export function summaryOf(
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

/** A done result; `command` is the `!feed` door's own wording, when it differs. */
export function ok(message: string, command?: string): Extract<FeedResult, { ok: true }> {
  return command === undefined ? { ok: true, message } : { ok: true, message, command };
}

/** A refusal of `kind`, with what the caller needs to act on it. */
export function refused(
  kind: FeedRefusalKind,
  message: string,
  extra: { neededLevel?: number; retryAfterMs?: number } = {},
  command?: string,
): Refusal {
  return { ok: false, kind, message, ...extra, ...(command === undefined ? {} : { command }) };
}

/** The refusal when feeds are turned off on this server. */
export function off(): Refusal {
  return refused("off", "Feeds are turned off on this server.");
}

/** A reply with backticks as `<code>` in its HTML and dropped from its plain text. */
export function plainReply(text: string): FeedAnswer["reply"] {
  const html = escapeHtml(text)
    .replace(/`([^`]+)`/g, "<code>$1</code>")
    .replace(/\n/g, "<br>");
  return { plain: text.replace(/`/g, ""), html };
}
