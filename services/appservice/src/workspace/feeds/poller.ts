/**
 * The polite poller. The schedule lives in the store (`feeds.next_fetch_at`), so a restart
 * resumes it. Fetches run with bounded concurrency overall and per host; each one sends the
 * stored ETag and Last-Modified, and its outcome sets the next time: the interval after a good
 * read, backoff with jitter (and Retry-After) after a failure, a pause after 410; a 301 seen on
 * consecutive reads moves the feed. Rooms are told once when a feed has been failing for
 * `failureNoticeAfterSeconds`, and once when it works again.
 */
import type { Logger } from "pino";
import type { FeedsConfig } from "./config";
import type { Delivery } from "./delivery";
import { FeedFetchError, type Fetcher } from "./fetch";
import type { FeedMetrics } from "./metrics";
import { MOVE_AFTER, movePatch, noticesFor } from "./read-outcome";
import { FeedParseError } from "./parse";
import type { FeedParser } from "./parse-pool";
import { planIngest } from "./plan";
import { headerOf, readFeed } from "./read-feed";
import { backoffSeconds, intervalSeconds, maxAgeSeconds, retryAfterSeconds } from "./schedule";
import type { FeedRow, FeedStore, OutboxMessage } from "./store";

export { readFeed } from "./read-feed";

export interface PollerDeps {
  config: FeedsConfig;
  store: FeedStore;
  fetcher: Fetcher;
  /** Parses fetched documents (a worker pool in the service). */
  parser: FeedParser;
  delivery: Pick<Delivery, "kick">;
  metrics: FeedMetrics;
  log: Logger;
  now?: () => number;
  random?: () => number;
}

export class FeedPoller {
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private readonly inFlight = new Map<number, Promise<void>>();
  private readonly perHost = new Map<string, number>();
  private ticking = false;
  private started = false;

  constructor(private readonly deps: PollerDeps) {}

  private now(): number {
    return this.deps.now?.() ?? Date.now();
  }

  start(): void {
    this.stopped = false;
    this.started = true;
    void this.tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await Promise.allSettled([...this.inFlight.values()]);
  }

  /** Starts whatever is due, within the concurrency bounds, then sleeps until the next one. */
  async tick(): Promise<void> {
    if (this.stopped || this.ticking || !this.started) return;
    this.ticking = true;
    try {
      const { concurrency, perHostConcurrency } = this.deps.config;
      const free = concurrency - this.inFlight.size;
      if (free > 0) {
        const due = await this.deps.store.dueFeeds(this.now(), free * 4);
        const oldest = due[0];
        this.deps.metrics.pollLag.set(
          oldest ? Math.max(0, this.now() - oldest.next_fetch_at) / 1000 : 0,
        );
        for (const feed of due) {
          if (this.inFlight.size >= concurrency) break;
          if (this.inFlight.has(feed.id)) continue;
          const host = hostOf(feed.url);
          if ((this.perHost.get(host) ?? 0) >= perHostConcurrency) continue;
          this.perHost.set(host, (this.perHost.get(host) ?? 0) + 1);
          const run = this.poll(feed)
            .catch((error: unknown) =>
              this.deps.log.error({ err: error, feed_id: feed.id }, "feed poll failed"),
            )
            .finally(() => {
              this.inFlight.delete(feed.id);
              this.perHost.set(host, (this.perHost.get(host) ?? 1) - 1);
              void this.tick();
            });
          this.inFlight.set(feed.id, run);
        }
      }
    } catch (error: unknown) {
      this.deps.log.error({ err: error }, "feed schedule check failed");
    } finally {
      this.ticking = false;
      await this.sleep();
    }
  }

  private async sleep(): Promise<void> {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    const next = await this.deps.store.nextDue().catch(() => null);
    const wait = next === null ? 30_000 : Math.min(30_000, Math.max(250, next - this.now()));
    this.timer = setTimeout(() => void this.tick(), wait);
    this.timer.unref();
  }

  /** One read of one feed and everything that follows from it. */
  async poll(feed: FeedRow): Promise<void> {
    const { config, metrics } = this.deps;
    const log = this.deps.log.child({ feed_id: feed.id });
    const started = this.now();
    const endTimer = metrics.fetchSeconds.startTimer();
    let result: Awaited<ReturnType<typeof readFeed>>;
    try {
      result = await readFeed(
        this.deps.fetcher,
        this.deps.parser,
        { url: feed.url, etag: feed.etag, lastModified: feed.last_modified },
        config.maxItems,
      );
    } catch (error: unknown) {
      endTimer();
      const kind =
        error instanceof FeedFetchError
          ? error.kind.replace("-", "_")
          : error instanceof FeedParseError
            ? "parse"
            : "error";
      metrics.fetches.inc({ result: kind });
      if (!(error instanceof FeedFetchError) && !(error instanceof FeedParseError)) {
        log.error({ err: error }, "feed read failed unexpectedly");
      } else if (error instanceof FeedFetchError && error.detail) {
        // The addresses and targets rooms are not shown (see FeedFetchError).
        log.info({ kind: error.kind, detail: error.detail }, "feed fetch failure detail");
      }
      await this.failed(
        feed,
        error instanceof Error ? error.message : String(error),
        null,
        null,
        started,
      );
      return;
    }
    endTimer();
    const { response, parsed } = result;
    const status = response.status;
    if (status === 410) {
      metrics.fetches.inc({ result: "gone" });
      await this.gone(feed, started);
      return;
    }
    if (status !== 200 && status !== 304) {
      metrics.fetches.inc({ result: status >= 500 ? "http_5xx" : "http_4xx" });
      await this.failed(
        feed,
        `HTTP ${status}`,
        status,
        retryAfterSeconds(response.headers, started),
        started,
      );
      return;
    }
    metrics.fetches.inc({ result: status === 304 ? "not_modified" : "ok" });
    const interval = intervalSeconds(config, [
      maxAgeSeconds(response.headers),
      parsed?.intervalHintSeconds ?? feed.interval_hint_s,
    ]);
    const patch: Partial<FeedRow> = {
      next_fetch_at: started + interval * 1000,
      interval_hint_s: parsed?.intervalHintSeconds ?? feed.interval_hint_s,
      failures: 0,
      failing_since: null,
      failure_notified: 0,
      last_error: null,
      last_status: status,
      last_success_at: started,
      ...movePatch(feed, response.movedTo),
    };
    if (status === 200) {
      patch.etag = headerOf(response.headers.etag);
      patch.last_modified = headerOf(response.headers["last-modified"]);
      patch.body_hash = result.bodyHash;
      if (parsed?.title) patch.title = parsed.title;
    }
    const messages: OutboxMessage[] = [];
    if (feed.failure_notified) messages.push(...(await this.notices(feed, "recovered", started)));
    let seen: Parameters<FeedStore["queue"]>[1] = [];
    if (parsed && result.bodyHash !== feed.body_hash) {
      const subscriptions = await this.deps.store.subscriptionsOf(feed.id);
      const keys = parsed.items.flatMap((i) => (i.linkKey ? [i.key, i.linkKey] : [i.key]));
      const plan = planIngest({
        feed,
        items: parsed.items,
        seenKeys: await this.deps.store.seenKeys(feed.id, keys),
        seenTotal: await this.deps.store.seenCount(feed.id),
        subscriptions,
        settings: config,
        now: started,
      });
      seen = plan.seen;
      messages.push(...plan.messages);
      patch.initialized = 1;
      patch.newest_item_at = plan.newestItemAt;
      for (const [outcome, n] of Object.entries(plan.outcomes)) metrics.items.inc({ outcome }, n);
      log.info({ status, outcomes: plan.outcomes }, "feed read");
    } else {
      log.debug({ status }, "feed unchanged");
    }
    await this.deps.store.queue(feed.id, seen, messages, patch, started);
    const moveNow =
      response.movedTo !== null &&
      feed.moved_to === response.movedTo &&
      feed.moved_count + 1 >= MOVE_AFTER;
    if (moveNow && response.movedTo) {
      if (await this.deps.store.moveFeed(feed.id, response.movedTo)) {
        log.info({ to: response.movedTo }, "feed moved permanently; URL updated");
      }
    }
    if (messages.length > 0) void this.deps.delivery.kick();
  }

  private async failed(
    feed: FeedRow,
    error: string,
    status: number | null,
    retryAfter: number | null,
    now: number,
  ): Promise<void> {
    const failures = feed.failures + 1;
    const delay = backoffSeconds(this.deps.config, failures, retryAfter, this.deps.random);
    const failingSince = feed.failing_since ?? now;
    const patch: Partial<FeedRow> = {
      failures,
      failing_since: failingSince,
      last_error: error.slice(0, 500),
      last_status: status,
      next_fetch_at: now + delay * 1000,
    };
    const messages: OutboxMessage[] = [];
    if (
      !feed.failure_notified &&
      now - failingSince >= this.deps.config.failureNoticeAfterSeconds * 1000
    ) {
      patch.failure_notified = 1;
      messages.push(
        ...(await this.notices(
          { ...feed, failing_since: failingSince, last_error: error },
          "failing",
          now,
        )),
      );
    }
    this.deps.log.warn(
      { feed_id: feed.id, failures, next_in_s: Math.round(delay), error },
      "feed read failed",
    );
    await this.deps.store.queue(feed.id, [], messages, patch, now);
    if (messages.length > 0) void this.deps.delivery.kick();
  }

  private async gone(feed: FeedRow, now: number): Promise<void> {
    const messages = await this.notices(feed, "gone", now);
    await this.deps.store.queue(
      feed.id,
      [],
      messages,
      { state: "gone", last_status: 410, last_error: "HTTP 410 Gone" },
      now,
    );
    this.deps.log.info({ feed_id: feed.id }, "feed gone (410); paused");
    if (messages.length > 0) void this.deps.delivery.kick();
  }

  /** One notice per running subscription, keyed so each is sent once. */
  private async notices(
    feed: FeedRow,
    kind: "failing" | "recovered" | "gone",
    now: number,
  ): Promise<OutboxMessage[]> {
    const subs = await this.deps.store.subscriptionsOf(feed.id);
    return noticesFor(feed, subs, kind, now);
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).host.toLowerCase();
  } catch {
    return url;
  }
}
