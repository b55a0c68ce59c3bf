/**
 * Processes the durable inbox, each room's events in order. Events are recorded before their
 * transaction is acknowledged (see transactions.ts); this loop handles each one, marks it
 * processed, and on a restart resumes whatever was left.
 *
 * Each room has at most one worker (its lane), and up to `roomConcurrency` lanes run at once.
 * A lane handles its room's events strictly in order: an event that fails is retried (with
 * backoff) before anything after it in that room, so `!pad a` then `!remove a` never run the
 * other way round. A lane that is slow or stuck holds only its own room: the scheduler looks
 * for new work outside the busy rooms whenever something is recorded or a lane ends, so the
 * other rooms' events go on being handled meanwhile, in every later batch as well.
 */
import type { Logger } from "pino";
import { WIDGET_EVENT_TYPE } from "@atrium/widgets";
import type { Store, InboxEntry } from "../../store/store";
import type { CommandHandler, MessageEvent } from "../../doors/commands/handler";
import type { Reactions, RoomEvent } from "./reactions";
import type { Metrics } from "../../util/metrics";
import { isRoomEvent, type MatrixGateway } from "../gateway";
import type { BotCrypto } from "../crypto";
import { describeFailure } from "../../workspace/describe";

const MAX_ATTEMPTS = 5;
/** Lanes running at once unless `appservice.roomConcurrency` says otherwise. */

/** The state events Atrium reacts to, and how (a message-like event of these types is not state). */
const STATE_REACTIONS: Partial<Record<string, StateReaction>> = {
  "m.room.member": "onMember",
  [WIDGET_EVENT_TYPE]: "onWidget",
  "m.room.tombstone": "onTombstone",
  "m.room.power_levels": "onPowerLevels",
  "m.room.name": "onRename",
  "m.room.encryption": "onEncryption",
};
type StateReaction =
  "onMember" | "onWidget" | "onTombstone" | "onPowerLevels" | "onRename" | "onEncryption";

export const ROOM_CONCURRENCY = 16;
/** Events a lane reads from the store at a time. */
const LANE_BATCH = 20;
/** Rooms the scheduler looks at per pass. */
const SCHEDULE_BATCH = 200;

export interface ProcessorDeps {
  /** Rooms processed at once (default {@link ROOM_CONCURRENCY}). */
  roomConcurrency?: number;
  store: Pick<Store, "pendingEvents" | "markProcessed" | "markAttempt">;
  commands: Pick<CommandHandler, "handle">;
  reactions: Reactions;
  /**
   * The bot's crypto, when encryption is on: an encrypted event is decrypted here and then
   * takes the same path as a plaintext one (same checks, same ledger, once), or waits parked.
   */
  crypto?: Pick<BotCrypto, "open">;
  gateway: MatrixGateway;
  metrics: Metrics;
  log: Logger;
  /** Backoff before retrying a failed event (attempt 1, 2, …), ms. Default 200 · 2^(n-1). */
  backoffMs?: (attempt: number) => number;
}

export class Processor {
  /** Rooms with a running lane. */
  private readonly lanes = new Map<string, Promise<void>>();
  private scheduling = false;
  private again = false;
  private stopped = false;
  /** Callers of kick() waiting for the inbox to be drained. */
  private idleWaiters: Array<() => void> = [];

  constructor(private readonly deps: ProcessorDeps) {}

  /**
   * Looks for new work (starting lanes for rooms with pending events); resolves once nothing
   * is pending and no lane runs, or once stopped.
   */
  kick(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    const idle = new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    void this.schedule();
    return idle;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all([...this.lanes.values()]);
    this.wakeIdle();
  }

  private wakeIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private async schedule(): Promise<void> {
    if (this.scheduling) {
      this.again = true;
      return;
    }
    this.scheduling = true;
    try {
      do {
        this.again = false;
        if (this.stopped || this.lanes.size >= (this.deps.roomConcurrency ?? ROOM_CONCURRENCY))
          continue;
        const batch = await this.deps.store.pendingEvents(SCHEDULE_BATCH, {
          exceptRooms: [...this.lanes.keys()],
        });
        for (const entry of batch) {
          if (this.lanes.size >= (this.deps.roomConcurrency ?? ROOM_CONCURRENCY)) break;
          if (!this.lanes.has(entry.roomId)) this.startLane(entry.roomId);
        }
      } while (this.again);
    } catch (error: unknown) {
      this.deps.log.error({ err: error }, "could not read the inbox; retrying on the next event");
    } finally {
      this.scheduling = false;
    }
    if (this.lanes.size === 0 || this.stopped) this.wakeIdle();
  }

  private startLane(roomId: string): void {
    const lane = this.runLane(roomId)
      .catch((error: unknown) =>
        this.deps.log.error({ err: error, room_id: roomId }, "room lane failed"),
      )
      .finally(() => {
        this.lanes.delete(roomId);
        void this.schedule();
      });
    this.lanes.set(roomId, lane);
  }

  /** One room's events, in order; a failed event is retried before the next one. */
  private async runLane(roomId: string): Promise<void> {
    for (;;) {
      const queue = await this.deps.store.pendingEvents(LANE_BATCH, { room: roomId });
      if (queue.length === 0) return;
      for (const entry of queue) {
        if (this.stopped) return;
        if (!(await this.processOne(entry))) {
          // Read the room's queue again: the failed event (attempts counted) comes first.
          await sleep(this.backoff(entry.attempts + 1));
          break;
        }
      }
    }
  }

  private backoff(attempt: number): number {
    return this.deps.backoffMs?.(attempt) ?? 200 * 2 ** (attempt - 1);
  }

  /** True when the event is done with (handled, or given up on); false when it will be retried. */
  private async processOne(entry: InboxEntry): Promise<boolean> {
    const event = entry.event;
    const type = typeof event.type === "string" ? event.type : "unknown";
    const log = this.deps.log.child({ room_id: entry.roomId, event_id: entry.eventId, type });
    const timer = this.deps.metrics.transactionSeconds.startTimer({ type });
    try {
      await this.dispatch(event, log);
      await this.deps.store.markProcessed(entry.seq);
      return true;
    } catch (error: unknown) {
      log.error({ err: error, attempt: entry.attempts + 1 }, "event processing failed");
      const reason = String((error as Error)?.message ?? error);
      if (entry.attempts + 1 >= MAX_ATTEMPTS) {
        await this.deps.store.markProcessed(entry.seq, reason);
        await this.tellRoom(entry, error, log);
        return true;
      }
      await this.deps.store.markAttempt(entry.seq, reason);
      return false;
    } finally {
      timer();
    }
  }

  private async tellRoom(entry: InboxEntry, error: unknown, log: Logger): Promise<void> {
    try {
      await this.deps.gateway.sendNotice(
        entry.roomId,
        describeFailure(error),
        describeFailure(error),
        `failed:${entry.eventId}`,
      );
    } catch (notifyError: unknown) {
      log.error({ err: notifyError }, "could not tell the room about a failure");
    }
  }

  /** An encrypted event: decrypted and dispatched as the event it holds, or parked, or refused. */
  private async decrypted(
    event: RoomEvent & Record<string, unknown>,
    isState: boolean,
    log: Logger,
  ): Promise<void> {
    const crypto = this.deps.crypto;
    if (!crypto) return this.deps.reactions.onEncrypted(event, log);
    if (isState || event.sender === this.deps.gateway.botUserId) return;
    const opened = await crypto.open(event, log);
    if (opened.kind !== "clear") return;
    // The clear event is the same event (id, room, sender); it never counts as state.
    const { state_key: _ignored, ...clear } = opened.event;
    return this.dispatch(clear, log);
  }

  private async dispatch(raw: Record<string, unknown>, log: Logger): Promise<void> {
    if (!isRoomEvent(raw)) {
      log.warn("ignoring a malformed event");
      return;
    }
    const event = raw;
    const isState = typeof event.state_key === "string";
    // The state cache heard this event when it was recorded (stream order, see
    // matrix/state-cache.ts): applying it here, later, could put back an older state.
    switch (event.type) {
      case "m.room.message":
        if (event.sender === this.deps.gateway.botUserId) return;
        if (typeof event.content.body !== "string") return;
        return this.deps.commands.handle(event as MessageEvent, log);
      case "m.room.encrypted":
        return this.decrypted(event, isState, log);
    }
    const reaction = STATE_REACTIONS[event.type];
    if (isState && reaction) return this.deps.reactions[reaction](event, log);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
