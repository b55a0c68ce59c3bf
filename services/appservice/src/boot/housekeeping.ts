/**
 * Background upkeep of a running Atrium: pruning what has served its time, resuming rooms on
 * demand that were left half made, and retrying the pad-session revocations Etherpad has not
 * confirmed yet (issue 22).
 */
import type { Registry } from "prom-client";
import type { EtherpadClient } from "@atrium/etherpad";
import type { Store } from "../store/store";
import type { ImTokens } from "../store/im-tokens";
import {
  PadRevocations,
  registerRevocationGauge,
  startRevocationRetries,
} from "../store/pad-revocations";
import type { RoomsOnDemand } from "../workspace/rooms-on-demand";
import type { Logger } from "pino";
import { logger } from "../util/log";

/** Processed inbox rows and ended IM tokens are kept a week (for inspection); the ledger stays. */
const INBOX_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;
/** Pad session rows are dropped a day after Etherpad let the session expire. */
const PAD_SESSION_GRACE_MS = 24 * 60 * 60 * 1000;
const HOURLY = 60 * 60 * 1000;

export interface Housekeeping {
  store: Store;
  imTokens: ImTokens;
  roomsOnDemand: RoomsOnDemand;
  etherpad: EtherpadClient;
  registry: Registry;
  /** Further prunes (calls, the workspace page's sessions). */
  prunes: Array<() => Promise<unknown> | undefined>;
  log: Logger;
}

/** Starts the upkeep (once now, then hourly); the result stops it. */
export function startHousekeeping(h: Housekeeping): () => void {
  const prune = () =>
    Promise.all([
      h.store.pruneInbox(INBOX_RETENTION_MS),
      h.imTokens.prune(INBOX_RETENTION_MS),
      h.store.prunePadSessions(Date.now() - PAD_SESSION_GRACE_MS),
      ...h.prunes.map((p) => p()),
    ]).catch((error: unknown) =>
      h.log.warn({ err: error }, "inbox, token or session prune failed"),
    );
  const hourly = () => {
    void prune();
    void h.roomsOnDemand.resume(h.log);
  };
  hourly();
  const timer = setInterval(hourly, HOURLY);
  timer.unref();
  const revocations = new PadRevocations(h.store.db);
  registerRevocationGauge(h.registry, revocations);
  const retries = startRevocationRetries(revocations, h.etherpad, logger("revocations"));
  return () => {
    clearInterval(timer);
    retries.stop();
  };
}
