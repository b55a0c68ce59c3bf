/** What the pad routes (open, view, resume, tickets) share. */
import type express from "express";
import type { Logger } from "pino";
import type { PadAccessDeps } from "./pad-access";
import type { PadSessionLookup } from "./pad-resume";
import type { TicketBook } from "./pad-tickets";
import type { ReadOnlyViews } from "./pad-view";

export interface PadRouteContext {
  deps: PadAccessDeps;
  sessions: PadSessionLookup;
  tickets: TicketBook;
  /** Read-only view links (the same book as `deps.views`). */
  views: Pick<ReadOnlyViews, "find">;
  log: Logger;
  /** The public web URL is https (cookies get Secure, SameSite=None, and CHIPS in the widget). */
  https: boolean;
  /** This listener's public origin: resume answers only same-origin requests. */
  webOrigin: string;
  /** Rate limit of OpenID exchanges (shared with the conference page). */
  exchanges: express.RequestHandler;
  /** Rate limit of ticket redemptions and resumes (each asks the homeserver). */
  redemptions: express.RequestHandler;
  /** Rate limit of read-only view loads (each asks the homeserver and Etherpad). */
  viewLoads: express.RequestHandler;
  /** Who this browser is signed in as on the workspace page, if anyone. */
  signedInAs?: (cookieHeader: string | undefined) => Promise<string | null>;
  guarded: (
    handler: (req: express.Request, res: express.Response) => Promise<void>,
  ) => express.RequestHandler;
}
