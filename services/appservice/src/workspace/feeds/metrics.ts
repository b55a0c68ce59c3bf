/** The feeds' Prometheus metrics, registered on the appservice's registry (/metrics). */
import type { Registry } from "prom-client";
import { metricsOn } from "../../util/metrics";

export function createFeedMetrics(registry: Registry) {
  const m = metricsOn(registry);
  return {
    fetches: m.counter(
      "atrium_feeds_fetch_total",
      "Feed fetches, by result (ok, not_modified, http_4xx, http_5xx, gone, blocked, timeout, too_large, parse, network, ...)",
      ["result"],
    ),
    fetchSeconds: m.histogram(
      "atrium_feeds_fetch_duration_seconds",
      "Time to fetch one feed, redirects and decompression included",
      [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    ),
    items: m.counter(
      "atrium_feeds_items_total",
      "Feed entries read, by outcome (baseline, posted, digested, stale, rebaselined, seen)",
      ["outcome"],
    ),
    deliveryLag: m.histogram(
      "atrium_feeds_delivery_lag_seconds",
      "Time from queueing a feed message to the homeserver accepting it",
      [0.1, 0.5, 1, 5, 15, 60, 300, 1800, 7200],
    ),
    messagesDropped: m.counter(
      "atrium_feeds_messages_dropped_total",
      "Feed messages given up on, by reason (too_large: M_TOO_LARGE, never retried; not_found; attempts)",
      ["reason"],
    ),
    outboxPending: m.gauge("atrium_feeds_outbox_pending", "Feed messages queued and not yet sent"),
    pollLag: m.gauge("atrium_feeds_poll_lag_seconds", "How late the most overdue feed is"),
    ssrfBlocked: m.counter(
      "atrium_feeds_ssrf_blocked_total",
      "Connections the feed fetcher refused because the address was not public, by range",
      ["range"],
    ),
  };
}

export type FeedMetrics = ReturnType<typeof createFeedMetrics>;
