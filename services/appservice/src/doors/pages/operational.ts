/**
 * /metrics and /ready on the appservice listener. The bridge library already answers
 * `GET /health` with a plain OK (the process is up); `/ready` says whether Atrium can work:
 * store, homeserver and Etherpad reachable, and (encryption on) the crypto store open, the
 * bot's device there and its key stream running.
 */
import type { Bridge } from "matrix-appservice-bridge";
import type { EtherpadClient } from "@atrium/etherpad";
import type { Store } from "../../store/store";
import type { MatrixGateway } from "../../matrix/gateway";
import type { Metrics } from "../../util/metrics";

type Check = () => Promise<unknown>;

async function probe(check: Check, timeoutMs = 3000): Promise<{ ok: boolean; error?: string }> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { ok: true };
  } catch (error: unknown) {
    return { ok: false, error: error instanceof Error ? error.message.slice(0, 200) : "failed" };
  } finally {
    clearTimeout(timer);
  }
}

export function addOperationalRoutes(
  bridge: Bridge,
  deps: {
    store: Store;
    etherpad: EtherpadClient;
    gateway: MatrixGateway;
    metrics: Metrics;
    /** The bot's crypto, when on: ready once its store is open and its device exists. */
    crypto?: { check(): Promise<void> };
  },
): void {
  bridge.addAppServicePath({
    method: "GET",
    path: "/metrics",
    authenticate: false,
    handler: async (_req, res) => {
      res.set("Content-Type", deps.metrics.registry.contentType);
      res.send(await deps.metrics.registry.metrics());
    },
  });
  bridge.addAppServicePath({
    method: "GET",
    path: "/ready",
    authenticate: false,
    handler: async (_req, res) => {
      const [store, homeserver, etherpad, crypto] = await Promise.all([
        probe(() => deps.store.ping()),
        probe(() => deps.gateway.ping()),
        probe(() => deps.etherpad.checkApiVersion()),
        deps.crypto ? probe(() => deps.crypto!.check()) : Promise.resolve(undefined),
      ]);
      const ready = store.ok && homeserver.ok && etherpad.ok && (crypto?.ok ?? true);
      res
        .status(ready ? 200 : 503)
        .send({ ready, store, homeserver, etherpad, ...(crypto ? { crypto } : {}) });
    },
  });
}
