/** The feeds' Prometheus metrics, registered on the appservice's registry (/metrics). */
import { Counter, Gauge, Histogram, type Registry } from "prom-client";

export function createFeedMetrics(registry: Registry) {
  return {
    fetches: new Counter({
      name: "atrium_feeds_fetch_total",
      help: "Feed fetches, by result (ok, not_modified, http_4xx, http_5xx, gone, blocked, timeout, too_large, parse, network, ...)",
      labelNames: ["result"] as const,
      registers: [registry],
    }),
    fetchSeconds: new Histogram({
      name: "atrium_feeds_fetch_duration_seconds",
      help: "Time to fetch one feed, redirects and decompression included",
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    items: new Counter({
      name: "atrium_feeds_items_total",
      help: "Feed entries read, by outcome (baseline, posted, digested, stale, rebaselined, seen)",
      labelNames: ["outcome"] as const,
      registers: [registry],
    }),
    deliveryLag: new Histogram({
      name: "atrium_feeds_delivery_lag_seconds",
      help: "Time from queueing a feed message to the homeserver accepting it",
      buckets: [0.1, 0.5, 1, 5, 15, 60, 300, 1800, 7200],
      registers: [registry],
    }),
    messagesDropped: new Counter({
      name: "atrium_feeds_messages_dropped_total",
      help: "Feed messages given up on, by reason (too_large: M_TOO_LARGE, never retried; not_found; attempts)",
      labelNames: ["reason"] as const,
      registers: [registry],
    }),
    outboxPending: new Gauge({
      name: "atrium_feeds_outbox_pending",
      help: "Feed messages queued and not yet sent",
      registers: [registry],
    }),
    pollLag: new Gauge({
      name: "atrium_feeds_poll_lag_seconds",
      help: "How late the most overdue feed is",
      registers: [registry],
    }),
    ssrfBlocked: new Counter({
      name: "atrium_feeds_ssrf_blocked_total",
      help: "Connections the feed fetcher refused because the address was not public, by range",
      labelNames: ["range"] as const,
      registers: [registry],
    }),
  };
}

export type FeedMetrics = ReturnType<typeof createFeedMetrics>;
