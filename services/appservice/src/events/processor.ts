/**
 * Processes the durable inbox, each room's events in order. Events are recorded before their
 * transaction is acknowledged (see transactions.ts); this loop handles each one, marks it
 * processed, and on a restart resumes whatever was left.
 */
import type { Logger } from "pino";
import { WIDGET_EVENT_TYPE } from "@atrium/widgets";
import type { Store, InboxEntry } from "../store/store";
import type { CommandHandler, MessageEvent } from "../commands/handler";
import type { Reactions, RoomEvent } from "./reactions";
import type { Metrics } from "../util/metrics";
import type { MatrixGateway } from "../matrix/gateway";
import { describeFailure } from "../service/describe";

const MAX_ATTEMPTS = 5;
const ROOM_CONCURRENCY = 4;

export class Processor {
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;

  constructor(
    private readonly deps: {
      store: Store;
      commands: CommandHandler;
      reactions: Reactions;
      gateway: MatrixGateway;
      metrics: Metrics;
      log: Logger;
    },
  ) {}

  /** Starts a drain unless one is running; a running drain picks up new rows before ending. */
  kick(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.drain().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.running;
  }

  private async drain(): Promise<void> {
    do {
      this.again = false;
      for (;;) {
        if (this.stopped) return;
        const batch = await this.deps.store.pendingEvents(50);
        if (batch.length === 0) break;
        await this.processByRoom(batch);
      }
    } while (this.again);
  }

  /**
   * Each room's events in order, up to ROOM_CONCURRENCY rooms at a time: a room waiting on a
   * slow Etherpad does not hold up the others.
   */
  private async processByRoom(batch: InboxEntry[]): Promise<void> {
    const rooms = new Map<string, InboxEntry[]>();
    for (const entry of batch) rooms.set(entry.roomId, [...(rooms.get(entry.roomId) ?? []), entry]);
    const queues = [...rooms.values()];
    const worker = async () => {
      for (let queue = queues.shift(); queue; queue = queues.shift()) {
        for (const entry of queue) {
          if (this.stopped) return;
          await this.processOne(entry);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(ROOM_CONCURRENCY, queues.length) }, worker));
  }

  private async processOne(entry: InboxEntry): Promise<void> {
    const event = entry.event;
    const type = typeof event.type === "string" ? event.type : "unknown";
    const log = this.deps.log.child({ room_id: entry.roomId, event_id: entry.eventId, type });
    const timer = this.deps.metrics.transactionSeconds.startTimer({ type });
    try {
      await this.dispatch(event, log);
      await this.deps.store.markProcessed(entry.seq);
    } catch (error: unknown) {
      log.error({ err: error, attempt: entry.attempts + 1 }, "event processing failed");
      if (entry.attempts + 1 >= MAX_ATTEMPTS) {
        await this.deps.store.markProcessed(entry.seq, String((error as Error)?.message ?? error));
        await this.tellRoom(entry, error, log);
      } else {
        await this.deps.store.markAttempt(entry.seq, String((error as Error)?.message ?? error));
        await new Promise((r) => setTimeout(r, 200 * 2 ** entry.attempts));
      }
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

  private async dispatch(raw: Record<string, unknown>, log: Logger): Promise<void> {
    if (!isRoomEvent(raw)) {
      log.warn("ignoring a malformed event");
      return;
    }
    const event = raw;
    const isState = typeof event.state_key === "string";
    switch (event.type) {
      case "m.room.message":
        if (event.sender === this.deps.gateway.botUserId) return;
        if (typeof event.content.body !== "string") return;
        return this.deps.commands.handle(event as MessageEvent, log);
      case "m.room.member":
        if (isState) return this.deps.reactions.onMember(event, log);
        return;
      case WIDGET_EVENT_TYPE:
        if (isState) return this.deps.reactions.onWidget(event, log);
        return;
      case "m.room.tombstone":
        if (isState) return this.deps.reactions.onTombstone(event, log);
        return;
      case "m.room.name":
        if (isState) return this.deps.reactions.onRename(event, log);
        return;
      case "m.room.encryption":
        if (isState) return this.deps.reactions.onEncryption(event, log);
        return;
      case "m.room.encrypted":
        return this.deps.reactions.onEncrypted(event, log);
      default:
        return;
    }
  }
}

function isRoomEvent(e: Record<string, unknown>): e is RoomEvent & Record<string, unknown> {
  return (
    typeof e.event_id === "string" &&
    typeof e.room_id === "string" &&
    typeof e.sender === "string" &&
    typeof e.type === "string" &&
    !!e.content &&
    typeof e.content === "object" &&
    !Array.isArray(e.content) &&
    (e.state_key === undefined || typeof e.state_key === "string")
  );
}
