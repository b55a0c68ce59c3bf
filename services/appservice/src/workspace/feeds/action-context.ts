/**
 * What every feed action (action-add.ts, action-manage.ts, action-preview.ts) is given by
 * {@link FeedCommands}: its parts, the clock, and the power check. Moved from commands.ts
 * (issue 24).
 */
import type { MatrixGateway } from "../../matrix/gateway";
import type { FeedsConfig } from "./config";
import type { Delivery } from "./delivery";
import type { Refusal } from "./feed-result";
import type { Fetcher } from "./fetch";
import type { FeedParser } from "./parse-pool";
import type { PreviewGate } from "./preview-gate";
import type { FeedStore } from "./store";

/** The parts the feed actions use. */
export interface FeedDeps {
  config: FeedsConfig;
  store: FeedStore;
  gateway: Pick<MatrixGateway, "roomState" | "refresh" | "recheck">;
  fetcher: Fetcher;
  /** The fetcher of previews: `previewMaxBytes` instead of `maxBytes`. */
  previewFetcher: Fetcher;
  parser: FeedParser;
  previews: PreviewGate;
  delivery: Pick<Delivery, "kick">;
  /** Told when a feed was added or resumed, so the poller plans its next read. */
  poller: { tick(): Promise<void> };
  now?: () => number;
}

/** What one action is run with. */
export interface FeedActionContext {
  readonly deps: FeedDeps;
  readonly enabled: boolean;
  now(): number;
  /** Null when `userId` may manage the room's feeds (and feeds are on); else the refusal. */
  mayManage(roomId: string, userId: string): Promise<Refusal | null>;
}
