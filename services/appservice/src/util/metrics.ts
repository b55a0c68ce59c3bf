/** Prometheus metrics served at /metrics. */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/**
 * Makes metrics on `registry`: each is its name, what it says (`help`), its labels, and its
 * buckets (histograms) or how it is read at each scrape (gauges). The appservice, the feeds,
 * the encryption and the pad revocations all register through it, so a rule every metric must
 * follow (a prefix, a registry, a default) is set here once.
 */
export function metricsOn(registry: Registry) {
  const registers = [registry];
  return {
    counter<L extends string = string>(name: string, help: string, labelNames: readonly L[] = []) {
      return new Counter<L>({ name, help, labelNames, registers });
    },
    histogram<L extends string = string>(
      name: string,
      help: string,
      buckets: number[],
      labelNames: readonly L[] = [],
    ) {
      return new Histogram<L>({ name, help, buckets, labelNames, registers });
    },
    /** A gauge set by the code, or, with `read`, read when /metrics is scraped. */
    gauge(name: string, help: string, read?: () => number | Promise<number>) {
      if (!read) return new Gauge({ name, help, registers });
      return new Gauge({
        name,
        help,
        registers,
        async collect() {
          this.set(await read());
        },
      });
    },
  };
}

export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "atrium_" });
  const m = metricsOn(registry);
  return {
    registry,
    commands: m.counter("atrium_commands_total", "Commands handled, by command and outcome", [
      "command",
      "outcome",
    ]),
    etherpadLatency: m.histogram(
      "atrium_etherpad_call_seconds",
      "Etherpad API call latency",
      [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      ["method", "result"],
    ),
    transactionSeconds: m.histogram(
      "atrium_event_processing_seconds",
      "Time to process one event of a transaction",
      [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10],
      ["type"],
    ),
    homeserverRequests: m.counter(
      "atrium_homeserver_requests_total",
      "Requests Atrium's bot made to the homeserver for commands and reactions, by kind (full_state, state_read, state_write, message, join, leave)",
      ["kind"],
    ),
    imRegistrations: m.counter(
      "atrium_im_registrations_total",
      "Integration manager registrations (OpenID exchanges), by outcome",
      ["outcome"],
    ),
    imActions: m.counter(
      "atrium_im_actions_total",
      "Integration manager actions (add, remove, pin; feed_add, feed_remove, feed_pause, feed_resume, feed_template, feed_preview), by action and outcome",
      ["action", "outcome"],
    ),
    transactions: m.counter(
      "atrium_transactions_total",
      "Transactions received from the homeserver, by result",
      ["result"],
    ),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
