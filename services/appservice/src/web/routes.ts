/** The public routes: the pad page and OpenID exchange, Jitsi user verification. */
import type express from "express";
import type { WebDeps } from "./server";

export function registerRoutes(_app: express.Express, _deps: WebDeps): void {
  // Filled by the access-control work (issue 6): /atrium/pad, /atrium/conference, /verify/*.
}
