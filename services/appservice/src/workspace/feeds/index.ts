/**
 * Feeds in rooms: `createFeeds` wires the fetcher, store, outbox delivery, poller and the
 * `!feed` commands; app.ts starts it once every listener is up and stops it with the rest of the appservice.
 */
import type { Kysely } from "kysely";
import type { Logger } from "pino";
import type { Registry } from "prom-client";
import type { MatrixGateway } from "../../matrix/gateway";
import type { Database } from "../../store/schema";
import { FeedCommands } from "./commands";
import type { FeedsConfig } from "./config";
import { Delivery, type RecentlySent } from "./delivery";
import type { BlockedAddressError } from "./address-guard";
import { createFetcher } from "./fetch";
import { createFeedMetrics } from "./metrics";
import { WorkerParser } from "./parse-pool";
import { FeedPoller } from "./poller";
import { PreviewGate } from "./preview-gate";
import { FeedStore } from "./store";

export {
  FeedCommands,
  FEED_HELP,
  type FeedPower,
  type FeedPreview,
  type FeedRefusalKind,
  type FeedAnswer,
  type FeedReply,
  type FeedResult,
  type FeedSummary,
} from "./commands";

export interface FeedsHandle {
  commands: FeedCommands;
  /** Starts the poller and the outbox (sending what a previous run left queued). */
  start(): void;
  stop(): Promise<void>;
}

/** Seen-marks are kept at least this long (and at least `SEEN_KEEP` per feed). */
const SEEN_RETENTION_MS = 90 * 24 * 60 * 60 * 1000;
const SEEN_KEEP = 1000;

export function createFeeds(deps: {
  config: FeedsConfig;
  db: Kysely<Database>;
  gateway: Pick<MatrixGateway, "roomState" | "sendNotice">;
  recentlySent?: RecentlySent;
  registry: Registry;
  log: Logger;
}): FeedsHandle {
  const { config, log } = deps;
  const metrics = createFeedMetrics(deps.registry);
  const store = new FeedStore(deps.db);
  const onBlocked = (blocked: BlockedAddressError) => {
    metrics.ssrfBlocked.inc({ range: blocked.range });
    log.warn(
      { address: blocked.address, range: blocked.range },
      "feed fetch refused: address not public",
    );
  };
  const fetcher = createFetcher(config, onBlocked);
  const previewFetcher = createFetcher({ ...config, maxBytes: config.previewMaxBytes }, onBlocked);
  const parser = new WorkerParser({
    size: config.parseWorkers,
    timeoutMs: config.parseTimeoutMs,
    maxHeapMb: config.parseMaxHeapMb,
  });
  const previews = new PreviewGate({
    perUserPerMinute: config.previewsPerUserPerMinute,
    concurrency: config.previewConcurrency,
    queue: config.previewConcurrency * 4,
  });
  const delivery = new Delivery({
    store,
    sender: deps.gateway,
    ...(deps.recentlySent ? { recentlySent: deps.recentlySent } : {}),
    metrics,
    log: log.child({ part: "delivery" }),
  });
  const poller = new FeedPoller({
    config,
    store,
    fetcher,
    parser,
    delivery,
    metrics,
    log: log.child({ part: "poller" }),
  });
  const commands = new FeedCommands({
    config,
    store,
    gateway: deps.gateway,
    fetcher,
    previewFetcher,
    parser,
    previews,
    delivery,
    poller,
  });
  const prune = () =>
    store
      .pruneSeen(Date.now() - SEEN_RETENTION_MS, SEEN_KEEP)
      .catch((error: unknown) => log.warn({ err: error }, "feed prune failed"));
  let pruneTimer: NodeJS.Timeout | null = null;
  return {
    commands,
    start() {
      if (!config.enabled || pruneTimer) return;
      // Messages a previous run queued but did not send go out first.
      void delivery.kick();
      poller.start();
      void prune();
      pruneTimer = setInterval(() => void prune(), 6 * 60 * 60 * 1000);
      pruneTimer.unref();
    },
    async stop() {
      if (pruneTimer) clearInterval(pruneTimer);
      await poller.stop();
      await delivery.stop();
      await parser.close();
    },
  };
}
