/**
 * The public routes: the pad and conference widget pages with their OpenID exchanges, and Jitsi
 * user verification (`/verify/*`, UVS-compatible).
 *
 * Cookie reach: the pad session cookie is set by this listener and must be sent to Etherpad.
 * Browsers scope cookies by host, not by port, so on a loopback stack http://localhost:<web>
 * and http://localhost:<etherpad> share it; in production the proxy serves /atrium/* under the
 * pad domain, so the cookie is the pad origin's own.
 */
import express from "express";
import type { AtriumConfig } from "../../config/schema";
import type { WebDeps } from "./web-deps";
import {
  exchangeLimiter,
  guarded,
  EXCHANGES_PER_MINUTE,
  VIEW_LOADS_PER_MINUTE,
} from "./route-guards";

export {
  exchangeLimiter,
  guarded,
  EXCHANGES_PER_MINUTE,
  VIEW_LOADS_PER_MINUTE,
  type Handler,
} from "./route-guards";
import { OpenIdVerifier } from "./openid";
import { discoveryResolver } from "./server-discovery";
import { parseSessionRequest } from "./pad-access";
import { registerPadRoutes } from "./pad-routes";
import { padSessionLookup, type PadSessionLookup } from "./pad-resume";
import { TicketBook } from "./pad-tickets";
import { ReadOnlyViews } from "./pad-view";
import { PadRevocations } from "../../store/pad-revocations";
import { openConference } from "./conference-access";
import { PAGE_CSP, widgetPage, type PageKind } from "./pages";
import { WIDGET_PAGE_CSS, WIDGET_PAGE_SCRIPT } from "./widget-page-script";
import { bearerMatches, verifyUser, verifyUserInRoom } from "./user-verification";

/** Replaceable parts (tests give a verifier that talks to a stub homeserver). */
export interface RouteOverrides {
  openid?: Pick<OpenIdVerifier, "verify">;
  /** OpenID exchanges per client address and minute (default {@link EXCHANGES_PER_MINUTE}). */
  exchangesPerMinute?: number;
  /** Own-tab tickets (tests pass one with their own clock). */
  tickets?: TicketBook;
  /** Atrium's records of pad sessions (default: the store's `pad_sessions`). */
  padSessions?: PadSessionLookup;
  /** Pending pad-session revocations (default: the store's `pad_revocations`). */
  revocations?: Pick<PadRevocations, "pending">;
}

function sendPage(kind: PageKind, padOrigin?: string): express.RequestHandler {
  return (_req, res) => {
    res.set({
      "Content-Security-Policy": PAGE_CSP,
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
      "Referrer-Policy": "no-referrer",
    });
    res.type("html").send(widgetPage(kind, padOrigin));
  };
}

function addStatic(app: express.Express): void {
  // The unminified browserify bundle: in 1.19.0, dist/api.min.js (tinyify) sets `mxwidgets` to
  // a function without WidgetApi, so only dist/api.js works in a browser.
  const widgetApiBundle = require.resolve("matrix-widget-api/dist/api.js");
  const cache = { "Cache-Control": "public, max-age=3600", "X-Content-Type-Options": "nosniff" };
  app.get("/atrium/static/matrix-widget-api.js", (_req, res) => {
    // `dotfiles: "allow"`: the path is ours, and pnpm keeps packages under node_modules/.pnpm,
    // a dot-folder that Express 5 refuses by default.
    res.set(cache).type("application/javascript").sendFile(widgetApiBundle, { dotfiles: "allow" });
  });
  app.get("/atrium/static/widget-page.js", (_req, res) => {
    res.set(cache).type("application/javascript").send(WIDGET_PAGE_SCRIPT);
  });
  app.get("/atrium/static/widget-page.css", (_req, res) => {
    res.set(cache).type("text/css").send(WIDGET_PAGE_CSS);
  });
}

/**
 * The one OpenID check of Atrium (pad and conference pages, the integration manager): the
 * user's homeserver vouches for the token through federation userinfo, its server must be on
 * the allow-list and the user must be one of its own.
 */
export function openIdVerifierFor(config: AtriumConfig): OpenIdVerifier {
  return new OpenIdVerifier({
    localServer: config.homeserver.domain,
    localFederationUrl: config.homeserver.federationUrl ?? config.homeserver.url,
    allowedServers: config.permissions.allowedServers ?? [config.homeserver.domain],
    resolve: discoveryResolver({
      allowPrivate: config.permissions.allowPrivateFederation ?? false,
    }),
  });
}

/** Adds every public route of Atrium to `app`. */
export function registerRoutes(
  app: express.Express,
  deps: WebDeps,
  overrides: RouteOverrides = {},
): void {
  const { config, store, etherpad, gateway, log } = deps;
  const openid = overrides.openid ?? openIdVerifierFor(config);
  const webHost = new URL(config.web.publicUrl).hostname;
  const padHost = new URL(config.etherpad.publicUrl ?? config.etherpad.url).hostname;
  if (webHost !== padHost) {
    log.warn(
      { web: webHost, etherpad: padHost },
      "web.publicUrl and etherpad.publicUrl have different hosts: the pad session cookie will not reach Etherpad; serve /atrium/* under the pad domain",
    );
  }
  const https = config.web.publicUrl.startsWith("https://");

  addStatic(app);
  const limited = exchangeLimiter(overrides.exchangesPerMinute ?? EXCHANGES_PER_MINUTE);
  app.get(
    "/atrium/pad",
    sendPage("pad", new URL(config.etherpad.publicUrl ?? config.etherpad.url).origin),
  );
  const views = new ReadOnlyViews();
  const revocations = overrides.revocations ?? new PadRevocations(store.db);
  const padDeps = { config, store, etherpad, gateway, openid, views, revocations };
  registerPadRoutes(app, {
    deps: padDeps,
    sessions: overrides.padSessions ?? padSessionLookup(store.db),
    tickets: overrides.tickets ?? new TicketBook(),
    views,
    log,
    https,
    webOrigin: new URL(config.web.publicUrl).origin,
    exchanges: limited,
    redemptions: exchangeLimiter(
      overrides.exchangesPerMinute ?? EXCHANGES_PER_MINUTE,
      "open pads in their own tab",
    ),
    // A reader's view reloads every 10 s: a few readers behind one address fit.
    viewLoads: exchangeLimiter(VIEW_LOADS_PER_MINUTE, "load read-only pads"),
    ...(deps.workspacePage ? { signedInAs: deps.workspacePage.signedInAs } : {}),
    guarded: (handler) => guarded(log, handler),
  });
  // The workspace page per room: the same pad checks and sessions, with Matrix sign-in by DM.
  deps.workspacePage?.register(app, padDeps, gateway);

  app.get("/atrium/conference", sendPage("conference"));
  app.post(
    "/atrium/conference/token",
    limited,
    guarded(log, async (req, res) => {
      const grant = await openConference(
        { config, store, gateway, openid },
        parseSessionRequest(req.body),
      );
      log.info({ room_id: req.body.roomId, user: grant.userId }, "minted a conference token");
      res.set("Cache-Control", "no-store").send({ url: grant.url });
    }),
  );

  const verifyToken = config.jitsi.verifyToken;
  if (!verifyToken) return;
  const bearer: express.RequestHandler = (req, res, next) => {
    if (!req.headers.authorization) {
      res.status(401).set("WWW-Authenticate", "Bearer").send({
        errcode: "M_MISSING_TOKEN",
        error: "Send Authorization: Bearer <jitsi.verifyToken> (prosody's MATRIX_UVS_AUTH_TOKEN).",
      });
      return;
    }
    if (!bearerMatches(req.headers.authorization, verifyToken)) {
      res.status(403).send({ errcode: "M_FORBIDDEN", error: "Wrong bearer token for /verify." });
      return;
    }
    next();
  };
  app.post(
    "/verify/user",
    bearer,
    guarded(
      log,
      async (req, res) => void res.send(await verifyUser({ gateway, openid }, req.body)),
    ),
  );
  app.post(
    "/verify/user_in_room",
    bearer,
    guarded(
      log,
      async (req, res) => void res.send(await verifyUserInRoom({ gateway, openid }, req.body)),
    ),
  );
}
