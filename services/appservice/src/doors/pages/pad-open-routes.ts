/**
 * Own-tab tickets redeemed as the tab's top-level page (`GET /atrium/pad/open?ticket=…`), where
 * the session cookie is first-party. A ticket link someone else asked for must never silently
 * make a browser write as them (issue 22 item 17): a browser that holds a session of anyone
 * but the ticket's owner is asked first (see pad-open-page.ts) and the ticket stays unused
 * until it confirms with `POST /atrium/pad/open`; a browser holding nothing, or only the
 * owner's sessions, opens at once as before.
 */
import express from "express";
import { AccessError } from "../../matrix/access-error";
import { openPadSession, padMember } from "./pad-access";
import { CONFIRM_PAGE_CSP, confirmOpenPage, otherIdentities } from "./pad-open-page";
import { OPEN_FROM_WIDGET } from "./pad-resume";
import type { PadRouteContext } from "./pad-route-context";
import type { Ticket, TicketRefusal } from "./pad-tickets";
import { messagePage, PAGE_CSP } from "./pages";
import { sessionCookie } from "./session-cookie";

const HEADERS = {
  "Content-Security-Policy": PAGE_CSP,
  "Cache-Control": "no-store",
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
};

function closed(res: express.Response, status: number, message: string): void {
  res.status(status).type("html").send(messagePage("The pad stays closed", message));
}

/** True for a usable pad ticket; otherwise answers the refusal page and returns false. */
function usable(res: express.Response, ticket: Ticket | TicketRefusal): ticket is Ticket {
  if (ticket !== "unknown" && ticket !== "expired" && ticket.kind === "pad") return true;
  closed(
    res,
    ticket === "expired" ? 410 : 404,
    `This link to the pad ${ticket === "expired" ? "has expired" : "was already used or is not valid"} (each opens once, within a minute). ${OPEN_FROM_WIDGET}`,
  );
  return false;
}

/** Adds `GET` and `POST /atrium/pad/open`. */
export function registerPadOpenRoutes(app: express.Express, ctx: PadRouteContext): void {
  const { deps, log, https } = ctx;
  const maxAgeSeconds = deps.config.etherpad.sessionSeconds;

  const redeemAndOpen = (req: express.Request, res: express.Response, raw: string): void => {
    const ticket = ctx.tickets.redeem(raw);
    if (!usable(res, ticket)) return;
    (async () => {
      // Membership is checked again now: a member who left since the ticket was issued is out.
      const member = await padMember(deps, ticket.roomId, ticket.widgetId, ticket.userId);
      const grant = await openPadSession(deps, ticket.roomId, member);
      if (grant.sessionId) {
        res.append(
          "Set-Cookie",
          sessionCookie(grant.sessionId, req.headers.cookie, { https, maxAgeSeconds }),
        );
      }
      log.info(
        { room_id: ticket.roomId, user: grant.userId, readOnly: grant.readOnly },
        "opened a pad in its own tab",
      );
      res.redirect(303, grant.url);
    })().catch((error: unknown) => {
      if (error instanceof AccessError) {
        closed(res, error.status, error.humanMessage);
        return;
      }
      log.error({ err: error }, "own-tab ticket failed");
      closed(res, 502, "The pad could not be opened; try again in a moment.");
    });
  };

  app.get("/atrium/pad/open", ctx.redemptions, (req, res) => {
    res.set(HEADERS);
    const raw = typeof req.query.ticket === "string" ? req.query.ticket : "";
    const ticket = ctx.tickets.peek(raw);
    if (!usable(res, ticket)) return;
    otherIdentities(req.headers.cookie, ticket.userId, ctx.sessions, ctx.signedInAs).then(
      (others) => {
        if (others.length === 0) {
          redeemAndOpen(req, res, raw);
          return;
        }
        log.info({ room_id: ticket.roomId }, "asked before a ticket replaces another person");
        res.set("Content-Security-Policy", CONFIRM_PAGE_CSP);
        res.type("html").send(confirmOpenPage(raw, ticket.userId, others));
      },
      (error: unknown) => {
        log.error({ err: error }, "could not read the sessions this browser holds");
        closed(res, 500, "Atrium could not check this browser's sessions; try again in a moment.");
      },
    );
  });

  app.post(
    "/atrium/pad/open",
    ctx.redemptions,
    express.urlencoded({ extended: false, limit: "2kb" }),
    (req, res) => {
      res.set(HEADERS);
      // A form posted by another site is not this person's confirmation.
      const origin = req.headers.origin;
      if (origin !== undefined && origin !== ctx.webOrigin) {
        closed(res, 403, "Only the pad's own page may confirm this. Open the link again.");
        return;
      }
      const body = (req.body ?? {}) as Record<string, unknown>;
      redeemAndOpen(req, res, typeof body.ticket === "string" ? body.ticket : "");
    },
  );
}
