/**
 * Wires the calls together for app.ts: store slice, SFU client, policy, service, removal
 * worker and the two sets of routes. Null when `calls.enabled` is off.
 */
import type { Kysely } from "kysely";
import type { Logger } from "pino";
import type express from "express";
import type { Bridge } from "matrix-appservice-bridge";
import type { Database } from "../../store/schema";
import type { MatrixGateway } from "../../matrix/gateway";
import type { OpenIdVerifier } from "../pages/openid";
import { errcodeOf } from "../../matrix/errors";
import { enabledCalls, type CallsConfig } from "./config";
import type { JoinedProbe } from "./policy";
import { RemovalWorker } from "./removals";
import { addCallAppserviceRoutes, addCallWebRoutes } from "./routes";
import { CallService } from "./service";
import { livekitSfu, webhookReceiver, type Sfu } from "./sfu";
import { CallStore } from "./store";

export { CallService } from "./service";
export { livekitRoomName, livekitIdentity, legacyLivekitIdentity, ROOM_CALL_SLOT } from "./naming";

/** Grants older than this whose participant is not connected are forgotten. */
const GRANT_RETENTION_MS = 24 * 60 * 60 * 1000;

export interface Calls {
  service: CallService;
  store: CallStore;
  addWebRoutes(app: express.Express): void;
  addAppserviceRoutes(bridge: Bridge, hsToken: string): void;
  start(): void;
  stop(): Promise<void>;
  prune(): Promise<void>;
}

/** A raw client-server request as the bot (intent.matrixClient.doRequest). */
export type BotRequest = (
  method: string,
  path: string,
  qs?: Record<string, string>,
) => Promise<unknown>;

/** MSC4502 `is_joined` through the bot's as_token; null when the homeserver cannot answer. */
export function isJoinedVia(request: BotRequest, log: Logger): JoinedProbe {
  return async (roomId, userId) => {
    try {
      const path = `/_matrix/client/unstable/io.element.msc4502/rooms/${encodeURIComponent(roomId)}/is_joined`;
      const body = (await request("GET", path, { mxid: userId })) as { joined?: unknown };
      return body?.joined === true;
    } catch (error: unknown) {
      log.warn(
        { errcode: errcodeOf(error) ?? null },
        "the homeserver did not answer is_joined (MSC4502)",
      );
      return null;
    }
  };
}

export function createCalls(o: {
  config: { calls: CallsConfig; homeserver: { domain: string } };
  db: Kysely<Database>;
  /** Uncached: a kick a moment ago must count. */
  gateway: Pick<MatrixGateway, "getState">;
  openid: Pick<OpenIdVerifier, "verify">;
  botRequest: BotRequest;
  log: Logger;
  /** Replaces the LiveKit SFU client (unit tests). */
  sfu?: Sfu;
  /** Removal retry timing (tests). */
  removals?: { pollMs?: number; backoffBaseMs?: number; backoffMaxMs?: number };
}): Calls | null {
  const calls = enabledCalls(o.config.calls);
  if (!calls) return null;
  const store = new CallStore(o.db);
  const sfu = o.sfu ?? livekitSfu(calls);
  const worker = new RemovalWorker({
    store,
    sfu,
    log: o.log.child({ part: "removals" }),
    ...o.removals,
  });
  const service = new CallService({
    calls,
    policy: {
      calls,
      localServer: o.config.homeserver.domain,
      gateway: o.gateway,
      isJoined: isJoinedVia(o.botRequest, o.log),
    },
    openid: o.openid,
    sfu,
    store,
    removalsQueued: () => void worker.kick(),
    log: o.log,
  });
  const webhooks = webhookReceiver(calls);
  return {
    service,
    store,
    addWebRoutes: (app) => addCallWebRoutes(app, { calls: service, webhooks, log: o.log }),
    addAppserviceRoutes: (bridge, hsToken) =>
      addCallAppserviceRoutes(bridge, { calls: service, hsToken, log: o.log }),
    start: () => worker.start(),
    stop: () => worker.stop(),
    prune: () => store.prune(Date.now() - GRANT_RETENTION_MS),
  };
}
