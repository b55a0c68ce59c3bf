/**
 * `preview`: the newest entry of a feed as it would be posted, adding and posting nothing;
 * bounded per asker and server-wide by preview-gate.ts. Moved from commands.ts (issue 24).
 */
import type { Logger } from "pino";
import type { FeedActionContext } from "./action-context";
import { checkLabel, checkUrl, readProblem } from "./feed-input";
import { off, ok, PREVIEW_NOTE, refused, type FeedResult } from "./feed-result";
import { readFeed } from "./read-feed";
import { renderItem } from "./render";

/**
 * The newest entry of `rawUrl` as it would be posted (under `label`, else the feed's title);
 * posts and adds nothing, needs no power, but is bounded (preview-gate.ts): `asker` may
 * start `previewsPerUserPerMinute` in the room, and `previewConcurrency` run server-wide.
 */
export async function previewFeed(
  ctx: FeedActionContext,

  rawUrl: string | undefined,
  label: string | undefined,
  log: Logger,
  asker: { userId: string; roomId: string },
): Promise<FeedResult> {
  if (!ctx.enabled) return off();
  const url = checkUrl(rawUrl);
  if (typeof url !== "string") return url;
  if (label?.trim()) {
    const badLabel = checkLabel(label.trim());
    if (badLabel) return badLabel;
  }
  const admission = await ctx.deps.previews.admit(asker.userId, asker.roomId);
  if (!admission.ok) {
    const seconds = Math.max(1, Math.ceil(admission.retryAfterMs / 1000));
    return refused(
      "limited",
      admission.reason === "rate"
        ? `You have asked for ${ctx.deps.config.previewsPerUserPerMinute} previews in this room in the last minute, the most allowed; try again in ${seconds} s.`
        : `Too many previews are running on this server; try again in ${seconds} s.`,
      { retryAfterMs: admission.retryAfterMs },
    );
  }
  try {
    const { response, parsed } = await readFeed(
      ctx.deps.previewFetcher,
      ctx.deps.parser,
      { url },
      ctx.deps.config.maxItems,
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
      summaryMaxChars: ctx.deps.config.summaryMaxChars,
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
