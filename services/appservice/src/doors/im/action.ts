/**
 * How an IM action runs, for the widget routes (rooms.ts) and the feed routes (feeds.ts) alike:
 * the caller's token and terms, the room id, the caller joined and the bot in the room, then the
 * action; a refusal answers with its status and errcode, and every outcome is counted in
 * `atrium_im_actions_total` and logged the same way.
 */
import type express from "express";
import type { Logger } from "pino";
import type { Metrics } from "../../util/metrics";
import { AccessError } from "../../matrix/access-error";
import { guarded } from "../pages/route-guards";

/** A refused action, as RoomActions and FeedCommands both answer it. */
export interface ImRefusal<K extends string> {
  ok: false;
  kind: K;
  message: string;
  neededLevel?: number;
  retryAfterMs?: number;
}

export interface ImActionContext {
  roomId: string;
  userId: string;
  action: string;
  req: express.Request;
  res: express.Response;
}

export interface ImActionSpec<R extends { ok: true }, K extends string> {
  /** Checks the caller (token, terms); their user id. */
  caller(req: express.Request): Promise<string>;
  roomIdOf(req: express.Request): string;
  /** Refuses unless `userId` is joined and the bot is in the room. */
  requireJoined(roomId: string, userId: string): Promise<void>;
  statuses: Record<K, [number, string]>;
  /** The refusal's message as the IM shows it. */
  messageOf(text: string): string;
  run(roomId: string, userId: string, req: express.Request): Promise<R | ImRefusal<K>>;
  /** Answers a done action. */
  done(result: R, ctx: ImActionContext): Promise<void> | void;
}

export function imAction<R extends { ok: true }, K extends string>(
  deps: { metrics: Metrics; log: Logger },
  actionOf: string | ((req: express.Request) => string),
  spec: ImActionSpec<R, K>,
): express.RequestHandler {
  const { metrics, log } = deps;
  return guarded(log, async (req, res) => {
    const action = typeof actionOf === "string" ? actionOf : actionOf(req);
    const record = (outcome: string) => metrics.imActions.inc({ action, outcome });
    try {
      const userId = await spec.caller(req);
      const roomId = spec.roomIdOf(req);
      await spec.requireJoined(roomId, userId);
      const result = await spec.run(roomId, userId, req);
      if (!result.ok) {
        const [status, errcode] = spec.statuses[result.kind];
        record("refused");
        log.info(
          { room_id: roomId, user: userId, action, refusal: result.kind },
          "IM action refused",
        );
        if (result.retryAfterMs !== undefined)
          res.set("Retry-After", String(Math.ceil(result.retryAfterMs / 1000)));
        res.status(status).send({
          errcode,
          error: spec.messageOf(result.message),
          ...(result.neededLevel !== undefined ? { neededLevel: result.neededLevel } : {}),
          ...(result.retryAfterMs !== undefined ? { retry_after_ms: result.retryAfterMs } : {}),
        });
        return;
      }
      record("done");
      log.info({ room_id: roomId, user: userId, action }, "IM action done");
      await spec.done(result, { roomId, userId, action, req, res });
    } catch (error: unknown) {
      record(error instanceof AccessError ? "refused" : "failed");
      throw error;
    }
  });
}
