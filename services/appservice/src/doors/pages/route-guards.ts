/** What every HTTP route of the doors wraps itself in: the error answer and the rate limits. */
import type express from "express";
import { rateLimit } from "express-rate-limit";
import type { Logger } from "pino";
import { AccessError } from "../../matrix/access-error";

/**
 * Each OpenID exchange costs a call to a homeserver and Etherpad: a browser needs a handful a
 * minute, a script hammering the endpoint gets M_LIMIT_EXCEEDED.
 */
export const EXCHANGES_PER_MINUTE = 30;

/** Read-only view loads per client address and minute (each view reloads every 10 s). */
export const VIEW_LOADS_PER_MINUTE = 120;

export function exchangeLimiter(
  perMinute: number,
  what = "open pads or calls",
): express.RequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit: perMinute,
    standardHeaders: "draft-7",
    legacyHeaders: false,
    handler: (_req, res, _next, options) => {
      const retryAfterMs = options.windowMs;
      res.status(429).send({
        errcode: "M_LIMIT_EXCEEDED",
        error: `Too many attempts to ${what} from this address; wait a minute and try again.`,
        retry_after_ms: retryAfterMs,
      });
    },
  });
}

export type Handler = (req: express.Request, res: express.Response) => Promise<void>;

/** Answers AccessErrors as they are and anything else as a 502/500 without internals. */
export function guarded(log: Logger, handler: Handler): express.RequestHandler {
  return (req, res) => {
    handler(req, res).catch((error: unknown) => {
      res.set("Cache-Control", "no-store");
      if (error instanceof AccessError) {
        res.status(error.status).send(error.toJSON());
        return;
      }
      const name = (error as { name?: unknown } | null)?.name;
      log.error({ err: error, path: req.path }, "request failed");
      const etherpadDown = typeof name === "string" && name.startsWith("Etherpad");
      res.status(etherpadDown ? 502 : 500).send({
        errcode: "M_UNKNOWN",
        error: etherpadDown
          ? "The pad server could not be reached; try again in a moment."
          : "Atrium could not complete this; try again in a moment.",
      });
    });
  };
}
