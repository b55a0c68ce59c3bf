/**
 * Works off the durable outbox of participant removals (`rtc_removals`): each due row is sent
 * to the SFU's RoomService; the SFU's confirmation, or its "participant not found", ends it;
 * anything else (SFU down, timeout, 5xx) is retried with exponential backoff, never dropped. A
 * restart resumes whatever is due.
 */
import type { Logger } from "pino";
import { Passes } from "../../util/passes";
import { backoffMs } from "../../util/retry";
import type { CallStore } from "./store";
import type { Sfu } from "./sfu";

export interface RemovalWorkerOptions {
  store: Pick<CallStore, "dueRemovals" | "removalDone" | "removalFailed">;
  sfu: Pick<Sfu, "removeParticipant">;
  log: Logger;
  /** How often due rows are looked for besides kicks, ms. Default 1000. */
  pollMs?: number;
  /** First retry delay, ms; doubles per attempt. Default 1000. */
  backoffBaseMs?: number;
  /** Longest retry delay, ms. Default 60000. */
  backoffMaxMs?: number;
  now?: () => number;
}

const BATCH = 50;

export class RemovalWorker {
  private readonly passes: Passes;

  constructor(private readonly o: RemovalWorkerOptions) {
    this.passes = new Passes(
      (stopped) => this.pass(stopped),
      o.pollMs ?? 1000,
      (error) => o.log.error({ err: error }, "could not read the removal outbox; retrying"),
    );
  }

  start(): void {
    this.passes.start();
  }

  stop(): Promise<void> {
    return this.passes.stop();
  }

  /** Runs a pass now (or right after the running one); resolves when it is over. */
  kick(): Promise<void> {
    return this.passes.kick();
  }

  private async pass(stopped: () => boolean): Promise<boolean> {
    const now = this.o.now ?? Date.now;
    const due = await this.o.store.dueRemovals(now(), BATCH);
    for (const row of due) {
      if (stopped()) return false;
      const log = this.o.log.child({ room_id: row.room_id, user: row.user_id, reason: row.reason });
      try {
        const outcome = await this.o.sfu.removeParticipant(row.livekit_room, row.identity);
        await this.o.store.removalDone(row.livekit_room, row.identity, row.created_at);
        log.info({ outcome, attempts: row.attempts + 1 }, "removed a participant from the call");
      } catch (error: unknown) {
        const delay = backoffMs(
          row.attempts + 1,
          this.o.backoffBaseMs ?? 1000,
          this.o.backoffMaxMs ?? 60_000,
        );
        const message = error instanceof Error ? error.message : String(error);
        await this.o.store.removalFailed(
          row.livekit_room,
          row.identity,
          row.created_at,
          now() + delay,
          message,
        );
        log.warn(
          { attempt: row.attempts + 1, retry_in_ms: delay, error: message.slice(0, 200) },
          "the SFU did not confirm a removal; will retry",
        );
      }
    }
    return due.length === BATCH;
  }
}
