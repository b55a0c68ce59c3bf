/** Feed subscriptions and the feed actions, for unit tests over the real feed store. */
import type { StateEvent } from "../matrix/gateway";
import type { Store } from "../store/store";
import { FeedCommands, type FeedAnswer, type FeedReply } from "../workspace/feeds/commands";
import { feedsConfigSchema, type FeedsConfig } from "../workspace/feeds/config";
import type { Fetcher } from "../workspace/feeds/fetch";
import { inThreadParser } from "../workspace/feeds/parse-pool";
import { PreviewGate } from "../workspace/feeds/preview-gate";
import { FeedStore } from "../workspace/feeds/store";

export type NewSubscription = Parameters<FeedStore["subscribe"]>[0];

/**
 * "News" (https://e.example/feed) followed in !r:x by @a:x at `now`, due at once, with no
 * validators, nothing seen and nothing to backfill; `over` sets any field a test cares about.
 */
export function newSubscription(now: number, over: Partial<NewSubscription> = {}): NewSubscription {
  return {
    url: "https://e.example/feed",
    title: "t",
    roomId: "!r:x",
    label: "News",
    addedBy: "@a:x",
    now,
    nextFetchAt: now,
    validators: { etag: null, lastModified: null, bodyHash: null },
    intervalHint: null,
    newestItemAt: null,
    baseline: [],
    backfill: [],
    ...over,
  };
}

export interface FeedCommandsSetup {
  store: Store;
  /** Answers every feed read, previews included. */
  fetcher: Fetcher;
  /** The room's state, for the power check. */
  roomState: StateEvent[];
  now: number;
  config?: FeedsConfig;
  onKick?: () => void;
  onTick?: () => void;
}

/**
 * The feed actions over a real store, with the parser in this thread and a preview gate these
 * tests never reach the bounds of (preview-gate.test.ts tests the bounds).
 */
export function feedCommandsWith(setup: FeedCommandsSetup): FeedCommands {
  return new FeedCommands({
    config: setup.config ?? feedsConfigSchema.parse({}),
    store: new FeedStore(setup.store.db),
    gateway: { roomState: async () => setup.roomState },
    fetcher: setup.fetcher,
    previewFetcher: setup.fetcher,
    parser: inThreadParser,
    previews: new PreviewGate({ perUserPerMinute: 600, concurrency: 64, queue: 64 }),
    delivery: { kick: async () => setup.onKick?.() },
    poller: { tick: async () => setup.onTick?.() },
    now: () => setup.now,
  });
}

/** The answer of a `!feed` reply, waiting for it when it comes later (previews). */
export async function answerOf(reply: Promise<FeedReply>): Promise<FeedAnswer> {
  const r = await reply;
  return "later" in r ? r.later : r;
}
