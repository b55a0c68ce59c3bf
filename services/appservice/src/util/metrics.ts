/** Prometheus metrics served at /metrics. */
import { Counter, Histogram, Registry, collectDefaultMetrics } from "prom-client";

export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "atrium_" });
  return {
    registry,
    commands: new Counter({
      name: "atrium_commands_total",
      help: "Commands handled, by command and outcome",
      labelNames: ["command", "outcome"] as const,
      registers: [registry],
    }),
    etherpadLatency: new Histogram({
      name: "atrium_etherpad_call_seconds",
      help: "Etherpad API call latency",
      labelNames: ["method", "result"] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    transactionSeconds: new Histogram({
      name: "atrium_event_processing_seconds",
      help: "Time to process one event of a transaction",
      labelNames: ["type"] as const,
      buckets: [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10],
      registers: [registry],
    }),
    homeserverRequests: new Counter({
      name: "atrium_homeserver_requests_total",
      help: "Requests Atrium's bot made to the homeserver for commands and reactions, by kind (full_state, state_read, state_write, message, join, leave)",
      labelNames: ["kind"] as const,
      registers: [registry],
    }),
    imRegistrations: new Counter({
      name: "atrium_im_registrations_total",
      help: "Integration manager registrations (OpenID exchanges), by outcome",
      labelNames: ["outcome"] as const,
      registers: [registry],
    }),
    imActions: new Counter({
      name: "atrium_im_actions_total",
      help: "Integration manager actions (add, remove, pin; feed_add, feed_remove, feed_pause, feed_resume, feed_template, feed_preview), by action and outcome",
      labelNames: ["action", "outcome"] as const,
      registers: [registry],
    }),
    transactions: new Counter({
      name: "atrium_transactions_total",
      help: "Transactions received from the homeserver, by result",
      labelNames: ["result"] as const,
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
