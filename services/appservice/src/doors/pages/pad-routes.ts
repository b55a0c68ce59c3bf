/**
 * The pad's routes: the widget page and its OpenID exchange (`POST /atrium/pad/session`), the
 * own-tab ticket (`POST /atrium/pad/ticket`, redeemed top-level by `GET /atrium/pad/open`), and
 * the pop-out resume (`POST /atrium/pad/resume`). See the README's Access model for why each is
 * safe.
 */
import type express from "express";
import { AccessError } from "../../matrix/access-error";
import { openPad, padMember, parseSessionRequest, parseWidgetRef } from "./pad-access";
import { resumePad } from "./pad-resume";
import { TICKET_SECONDS } from "./pad-tickets";
import { registerPadOpenRoutes } from "./pad-open-routes";
import { embeddedSessionCookies, sessionIdsOf } from "./session-cookie";
import { PAGE_CSP } from "./pages";
import { registerPadViewRoutes } from "./pad-view-routes";

import type { PadRouteContext } from "./pad-route-context";

export type { PadRouteContext };

export const PAGE_HEADERS = {
  "Content-Security-Policy": PAGE_CSP,
  "Cache-Control": "no-store",
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
};

/** Adds the pad routes other than the page itself. */
export function registerPadRoutes(app: express.Express, ctx: PadRouteContext): void {
  const { deps, log, https } = ctx;
  const maxAgeSeconds = deps.config.etherpad.sessionSeconds;

  app.post(
    "/atrium/pad/session",
    ctx.exchanges,
    ctx.guarded(async (req, res) => {
      const grant = await openPad(deps, parseSessionRequest(req.body));
      res.set("Cache-Control", "no-store");
      const cookies = grant.sessionId
        ? embeddedSessionCookies(grant.sessionId, req.headers.cookie, { https, maxAgeSeconds })
        : [];
      for (const cookie of cookies) res.append("Set-Cookie", cookie);
      log.info(
        { room_id: req.body.roomId, user: grant.userId, readOnly: grant.readOnly },
        "opened a pad session",
      );
      res.send({
        url: grant.url,
        readOnly: grant.readOnly,
        validUntil: grant.validUntil.toISOString(),
      });
    }),
  );

  // A ticket for the own tab: the same OpenID and membership checks as a session, but no
  // session yet (it is opened, first-party, when the tab redeems the ticket).
  app.post(
    "/atrium/pad/ticket",
    ctx.exchanges,
    ctx.guarded(async (req, res) => {
      const request = parseSessionRequest(req.body);
      const userId = await deps.openid.verify(request.openid);
      await padMember(deps, request.roomId, request.widgetId, userId);
      const { ticket, expiresAt } = ctx.tickets.issue({
        kind: "pad",
        roomId: request.roomId,
        widgetId: request.widgetId,
        userId,
      });
      log.info({ room_id: request.roomId, user: userId }, "issued an own-tab ticket");
      res.set("Cache-Control", "no-store").send({
        url: `pad/open?ticket=${ticket}`,
        expiresAt: new Date(expiresAt).toISOString(),
        expiresInSeconds: TICKET_SECONDS,
      });
    }),
  );

  // Own-tab tickets, redeemed top-level (asking first when the browser is someone else).
  registerPadOpenRoutes(app, ctx);

  // Pop-out: the page in a tab of its own resumes from the session this browser holds.
  app.post(
    "/atrium/pad/resume",
    ctx.redemptions,
    ctx.guarded(async (req, res) => {
      const origin = req.headers.origin;
      if (origin !== undefined && origin !== ctx.webOrigin) {
        throw new AccessError(403, "M_FORBIDDEN", "Only the pad page itself may ask this.");
      }
      const ref = parseWidgetRef(req.body);
      const grant = await resumePad(deps, ctx.sessions, ref, sessionIdsOf(req.headers.cookie));
      log.info(
        { room_id: ref.roomId, user: grant.userId, readOnly: grant.readOnly },
        "resumed a pad in a tab of its own",
      );
      res.set("Cache-Control", "no-store").send({ url: grant.url, readOnly: grant.readOnly });
    }),
  );

  registerPadViewRoutes(app, ctx);
}
