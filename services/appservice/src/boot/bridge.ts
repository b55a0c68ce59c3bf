/**
 * The homeserver's side of Atrium: the bridge, whose appservice API takes transactions into the
 * durable inbox (matrix/transactions.ts) and answers alias queries with rooms on demand.
 */
import { AppServiceRegistration, Bridge } from "matrix-appservice-bridge";
import type { AtriumConfig } from "../config/schema";
import type { RegistrationLike } from "../registration";
import type { Store } from "../store/store";
import { DurableAppService } from "../matrix/transactions";
import { tokenMatches, tokenOf } from "../matrix/hs-token";
import type { Metrics } from "../util/metrics";
import { logger } from "../util/log";
import { listening } from "./listening";

export interface BridgeHooks {
  /** A transaction was recorded (in stream order). */
  recorded(events: ReadonlyArray<Record<string, unknown>>): void;
  /** Someone asked for an alias in the bot's namespace: the room made for it, or null. */
  aliasQuery(alias: string, localpart: string): Promise<{ roomId: string } | null>;
}

export async function listenBridge(
  config: AtriumConfig,
  registration: RegistrationLike,
  store: Store,
  metrics: Metrics,
  hooks: BridgeHooks,
): Promise<Bridge> {
  const bridge = new Bridge({
    homeserverUrl: config.homeserver.url,
    domain: config.homeserver.domain,
    registration: AppServiceRegistration.fromObject(registration as never),
    disableStores: true,
    controller: {
      // Events are processed from the durable inbox, not here.
      onEvent: () => undefined,
      // A bare room now, furnished on the first local join (see workspace/rooms-on-demand.ts).
      onAliasQuery: (alias: string, localpart: string) => hooks.aliasQuery(alias, localpart),
    },
  });
  await bridge.initialise();
  // Routes added with addAppServicePath check the hs_token here: in constant time.
  (bridge as unknown as { requestCheckToken: (req: unknown) => boolean }).requestCheckToken = (
    req,
  ) => tokenMatches(tokenOf(req as Parameters<typeof tokenOf>[0]), registration.hs_token);

  const appservice = new DurableAppService(
    registration.hs_token,
    store,
    hooks.recorded,
    metrics,
    logger("transactions"),
  );
  await listening(
    "appservice.port",
    `${config.appservice.bindAddress}:${config.appservice.port}`,
    () => bridge.listen(config.appservice.port, config.appservice.bindAddress, 10, appservice),
  );
  return bridge;
}
