/**
 * The public HTTP listener (separate from the appservice API port): widget pages, the OpenID
 * exchange and Jitsi user verification. Routes are added by the modules under doors/pages/.
 */
import express from "express";
import type { Logger } from "pino";
import type { EtherpadClient } from "@atrium/etherpad";
import type { AtriumConfig } from "../../config/schema";
import type { Store } from "../../store/store";
import type { MatrixGateway } from "../../matrix/gateway";
import { listenHttp, type WebServer } from "../../util/http";
import { registerRoutes } from "./routes";
import type { WorkspacePage } from "./room";

export interface WebDeps {
  config: AtriumConfig;
  store: Store;
  etherpad: EtherpadClient;
  gateway: MatrixGateway;
  log: Logger;
  /** Routes of other parts (the calls' legacy token endpoint and SFU webhook), before the 404. */
  extraRoutes?: (app: express.Express) => void;
  /** The workspace page per room (issue 21), when the app wires it. */
  workspacePage?: WorkspacePage;
}

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
