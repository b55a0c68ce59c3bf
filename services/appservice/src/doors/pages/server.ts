/**
 * The public HTTP listener (separate from the appservice API port): widget pages, the OpenID
 * exchange and Jitsi user verification. Routes are added by the modules under doors/pages/.
 */
import express from "express";
import { listenHttp, type WebServer } from "../../util/http";
import { registerRoutes } from "./routes";

import type { WebDeps } from "./web-deps";

export type { WebDeps };

export type { WebServer } from "../../util/http";
/** The public app: health, then the routes of doors/pages/routes.ts, then 404. */
export function buildWebApp(deps: WebDeps): express.Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", "loopback, linklocal, uniquelocal");
  app.use(express.json({ limit: "16kb" }));
  app.get("/atrium/health", (_req, res) => {
    res.send({ ok: true });
  });
  registerRoutes(app, deps);
  deps.extraRoutes?.(app);
  app.use((_req, res) => {
    res.status(404).send({ errcode: "M_UNRECOGNIZED", error: "Not found" });
  });
  return app;
}

export async function startWebServer(deps: WebDeps): Promise<WebServer> {
  return listenHttp(buildWebApp(deps), deps.config.web);
}
