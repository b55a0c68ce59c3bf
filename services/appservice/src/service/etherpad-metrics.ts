/** Times every Etherpad call into atrium_etherpad_call_seconds. */
import type { EtherpadClient } from "@atrium/etherpad";
import type { Metrics } from "../util/metrics";

export function instrumentEtherpad(client: EtherpadClient, metrics: Metrics): EtherpadClient {
  return new Proxy(client, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== "function" || typeof property !== "string") return value;
      return async (...args: unknown[]) => {
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
    },
  });
}
