/**
 * The HTTP doors of the calls:
 *
 * - On the appservice listener (reached only by Synapse): the MSC4512-proxied
 *   `get_token`. Synapse 1.163.2 (`synapse/http/appservice_proxy.py`) forwards the request to
 *   `proxy_url` + the same path, replaces the client's `Authorization` with
 *   `Bearer <hs_token>` and names the authenticated user in `X-Matrix-User-Identifier`
 *   (`synapse/rest/client/appservice_proxy.py`); it registers every
 *   `/_matrix/client/(vN|unstable/<ns>)/rtc/livekit/*` path.
 * - On the public web listener: the legacy `/atrium/rtc/sfu/get` (so the operator's
 *   `livekit_service_url` is `<web.publicUrl>/atrium/rtc`), with lk-jwt-service's CORS
 *   (`src/handler.rs` `apply_cors_json`), and the SFU's webhook `/atrium/rtc/webhook`.
 */
import express from "express";
import type { Bridge } from "matrix-appservice-bridge";
import type { Logger } from "pino";
import type { WebhookReceiver } from "livekit-server-sdk";
import { tokenMatches, tokenOf } from "../../matrix/hs-token";
import { AccessError } from "../../matrix/access-error";
import { exchangeLimiter, guarded } from "../pages/route-guards";
import type { CallService } from "./service";

/** The paths Synapse forwards a client's `get_token` to (stable and unstable MSC4195). */
export const GET_TOKEN_PATHS = [
  "/_matrix/client/v1/rtc/livekit/get_token",
  "/_matrix/client/unstable/io.element.msc4195/rtc/livekit/get_token",
] as const;

/** MSC4195's optional delegation of delayed leave events, which Atrium does not offer. */
export const DELEGATE_PATHS = [
  "/_matrix/client/v1/rtc/livekit/delegate_delayed_leave",
  "/_matrix/client/unstable/io.element.msc4195/rtc/livekit/delegate_delayed_leave",
] as const;

/** Legacy token requests per client address and minute. */
export const LEGACY_REQUESTS_PER_MINUTE = 60;

const CORS = {
  "Access-Control-Allow-Origin": "*",
  "Access-Control-Allow-Methods": "POST",
  "Access-Control-Allow-Headers":
    "Accept, Content-Type, Content-Length, Accept-Encoding, X-CSRF-Token",
};

type Reply = { status: (code: number) => { send: (body: unknown) => void } };

function sendError(res: Reply, error: unknown, log: Logger): void {
  if (error instanceof AccessError) {
    res.status(error.status).send(error.toJSON());
    return;
  }
  log.error({ err: error }, "a call token request failed");
  res.status(502).send({
    errcode: "M_UNKNOWN",
    error: "The call server could not be reached; try again in a moment.",
  });
}

/** Adds the homeserver-proxied `get_token` to the appservice listener. */
export function addCallAppserviceRoutes(
  bridge: Bridge,
  o: { calls: CallService; hsToken: string; log: Logger },
): void {
  for (const path of GET_TOKEN_PATHS) {
    bridge.addAppServicePath({
      method: "POST",
      path,
      // Checked here, so a wrong token gets a Matrix error rather than the library's.
      authenticate: false,
      handler: async (req, res) => {
        res.set("Cache-Control", "no-store");
        const token = tokenOf(req as Parameters<typeof tokenOf>[0]);
        if (!tokenMatches(token, o.hsToken)) {
          res.status(token === undefined ? 401 : 403).send({
            errcode: token === undefined ? "M_MISSING_TOKEN" : "M_FORBIDDEN",
            error: "Only the homeserver may call this (Authorization: Bearer <hs_token>).",
          });
          return;
        }
        const userId = req.header("X-Matrix-User-Identifier");
        if (!userId) {
          res.status(401).send({
            errcode: "M_UNAUTHORIZED",
            error: "The homeserver did not name the requesting user (X-Matrix-User-Identifier).",
          });
          return;
        }
        try {
          res.send(await o.calls.homeserverToken(userId, req.body));
        } catch (error: unknown) {
          sendError(res, error, o.log);
        }
      },
    });
  }
  for (const path of DELEGATE_PATHS) {
    bridge.addAppServicePath({
      method: "POST",
      path,
      authenticate: true,
      handler: async (_req, res) => {
        // Clients then keep their delayed leave event alive themselves (MSC4140).
        res.status(404).send({
          errcode: "M_UNRECOGNIZED",
          error: "This server does not take over delayed leave events; keep restarting your own.",
        });
      },
    });
  }
}

/** Adds the legacy token endpoint and the SFU webhook to the public web app. */
export function addCallWebRoutes(
  app: express.Express,
  o: { calls: CallService; webhooks: Pick<WebhookReceiver, "receive">; log: Logger },
): void {
  app.options("/atrium/rtc/sfu/get", (_req, res) => {
    res.set(CORS).status(200).end();
  });
  app.post(
    "/atrium/rtc/sfu/get",
    (_req, res, next) => {
      res.set(CORS).set("Cache-Control", "no-store");
      next();
    },
    exchangeLimiter(LEGACY_REQUESTS_PER_MINUTE, "get call tokens"),
    guarded(o.log, async (req, res) => {
      res.send(await o.calls.legacyToken(req.body));
    }),
  );
  app.post(
    "/atrium/rtc/webhook",
    // LiveKit posts application/webhook+json; the signature covers the exact bytes.
    express.text({ type: () => true, limit: "1mb" }),
    async (req, res) => {
      if (typeof req.body !== "string") {
        res.status(400).send({
          errcode: "M_NOT_JSON",
          error: "Send the webhook body as LiveKit does (Content-Type: application/webhook+json).",
        });
        return;
      }
      const auth = (req.header("Authorization") ?? "").replace(/^Bearer /, "");
      let event;
      try {
        event = await o.webhooks.receive(req.body, auth);
      } catch {
        o.log.warn("refused a webhook whose signature does not match the LiveKit API secret");
        res.status(401).send({
          errcode: "M_UNAUTHORIZED",
          error: "The webhook is not signed with this SFU's API key and secret.",
        });
        return;
      }
      try {
        await o.calls.onWebhook(event);
        res.status(200).send({});
      } catch (error: unknown) {
        // Not 2xx: LiveKit retries the webhook.
        o.log.error({ err: error }, "could not handle an SFU webhook");
        res.status(503).send({ errcode: "M_UNKNOWN", error: "Try again later." });
      }
    },
  );
}
