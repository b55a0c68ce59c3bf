/**
 * The integration manager's own listener (its own origin: Element obeys ScalarMessaging from
 * any frame on the IM's origin, so no widget page may live there). It serves the protocol
 * routes, Atrium's room routes and the browser app (`@atrium/im-ui`) at `/element/`.
 */
import express from "express";
import { appCsp, listenHttp, type WebServer } from "../../util/http";
import { uiDistDir } from "../ui-dist";
import type { FeedCommands } from "../../workspace/feeds";
import { addFeedRoutes } from "./feeds";
import { addProtocolRoutes } from "./protocol";
import { addRoomRoutes, type ImRoomDeps } from "./rooms";

/** What the IM listener needs: the room routes' deps, and the feed actions when feeds exist. */
export interface ImServerDeps extends ImRoomDeps {
  feeds?: FeedCommands;
}

/** The UI's Content-Security-Policy: its own scripts, styles and API only. */
export const IM_UI_CSP = appCsp("form-action 'none'");

/**
 * CORS for the API: Element calls it with `fetch` from its own origin (any origin: Element Web
 * anywhere, Desktop's vector://vector). Tokens travel in headers or the query, never cookies,
 * so `*` grants nothing a token does not.
 */
function cors(req: express.Request, res: express.Response, next: express.NextFunction): void {
  res.set({
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, POST, PUT, DELETE, OPTIONS",
    "Access-Control-Allow-Headers": "Authorization, Content-Type, X-Requested-With",
    "Access-Control-Max-Age": "600",
  });
  if (req.method === "OPTIONS") {
    res.status(204).end();
    return;
  }
  next();
}

function addUi(app: express.Express, deps: ImRoomDeps): void {
  const dist = uiDistDir();
  if (!dist) {
    deps.log.warn("@atrium/im-ui is not built: /element answers 503 until it is");
  }
  app.get("/element", (req, res, next) => {
    // Element opens `/element?scalar_token=…`: the app's relative assets need the trailing
    // slash, so redirect with the query kept (routing is not strict: `/element/` lands here too).
    const [pathname = "", query = ""] = req.originalUrl.split(/\?(.*)/s);
    if (pathname.endsWith("/")) {
      next();
      return;
    }
    res.redirect(301, `/element/${query ? `?${query}` : ""}`);
  });
  app.use(
    "/element",
    (_req, res, next) => {
      res.set({
        "Content-Security-Policy": IM_UI_CSP,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
      });
      if (!dist) {
        res.status(503).type("text").send("The integration manager's UI is not built.");
        return;
      }
      next();
    },
    express.static(dist ?? "/nonexistent", {
      index: "index.html",
      dotfiles: "allow",
      maxAge: "1h",
    }),
  );
}

/** The IM app: CORS, JSON, protocol, room and feed routes, the UI, then 404. */
export function buildImApp(deps: ImServerDeps): express.Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", "loopback, linklocal, uniquelocal");
  app.use(["/api", "/_matrix/integrations", "/.well-known"], cors);
  app.use(express.json({ limit: "16kb" }));
  addProtocolRoutes(app, deps);
  addRoomRoutes(app, deps);
  const { feeds } = deps;
  if (feeds) addFeedRoutes(app, { ...deps, feeds });
  addUi(app, deps);
  app.use((_req, res) => {
    res.status(404).send({ errcode: "M_UNRECOGNIZED", error: "Not found" });
  });
  return app;
}

/** Starts the IM listener on `integrationManager.port`. */
export async function startImServer(deps: ImServerDeps): Promise<WebServer> {
  return listenHttp(buildImApp(deps), deps.im);
}
