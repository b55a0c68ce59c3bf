/**
 * Wraps the Etherpad client: every call is timed into atrium_etherpad_call_seconds, and calls
 * that are safe to repeat are retried with backoff when Etherpad is unavailable.
 */
import { EtherpadError, type EtherpadClient } from "@atrium/etherpad";
import type { Metrics } from "../util/metrics";
import { withRetry, type RetryOptions } from "../util/retry";

/** Not idempotent: a retry after a timeout could open a second session. */
const NOT_RETRIED = new Set(["createSession"]);

export function instrumentEtherpad(
  client: EtherpadClient,
  metrics: Metrics,
  retry: RetryOptions = { attempts: 3, baseDelayMs: 300 },
): EtherpadClient {
  return new Proxy(client, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== "function" || typeof property !== "string") return value;
      const call = async (args: unknown[]) => {
        const end = metrics.etherpadLatency.startTimer({ method: property });
        try {
          const result: unknown = await (value as (...a: unknown[]) => Promise<unknown>).apply(
            target,
            args,
          );
          end({ result: "ok" });
          return result;
        } catch (error: unknown) {
          end({ result: "error" });
          throw error;
        }
      };
      if (NOT_RETRIED.has(property)) return (...args: unknown[]) => call(args);
      return (...args: unknown[]) =>
        withRetry(() => call(args), {
          ...retry,
          retryable: (error) => error instanceof EtherpadError && error.retryable,
        });
    },
  });
}
