/**
 * The workspace page on the pad pages' origin: `/atrium/room/<roomId>` serves the browser app
 * (`@atrium/im-ui`'s second entry, workspace.html) under a strict CSP, and its JSON routes under
 * `/atrium/workspace/`. Opening a pad goes through exactly the checks and sessions of the
 * widget page (`padMember`, `openPadSession`), with the person the workspace session names.
 */
import path from "node:path";
import { promises as fs } from "node:fs";
import express from "express";
import type { Logger } from "pino";
import { uiDistDir } from "../../ui-dist";
import { openPadSession, padMember, type PadAccessDeps } from "../pad-access";
import { AccessError } from "../../../matrix/access-error";
import { sessionCookie } from "../session-cookie";
import { appCsp } from "../../../util/http";
import { requirePageRequest } from "./guards";
import { WORKSPACE_BASE } from "./links";
import { checkRoomId, requireJoined, workspaceRoomView, type RoomViewDeps } from "./room-view";
import type { WorkspaceSessions } from "./sessions";

/** The app's CSP: its own scripts, styles, fonts and API; nothing may frame it. */
export const WORKSPACE_CSP = appCsp("form-action 'self'", "frame-ancestors 'none'");

const PAGE_HEADERS = {
  "Content-Security-Policy": WORKSPACE_CSP,
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
};

export interface WorkspaceRouteDeps {
  pads: PadAccessDeps;
  rooms: RoomViewDeps;
  sessions: WorkspaceSessions;
  webOrigin: string;
  https: boolean;
  log: Logger;
  /** Limits loads that ask the homeserver (room views, pad opens). */
  limited: express.RequestHandler;
  guarded: (
    handler: (req: express.Request, res: express.Response) => Promise<void>,
  ) => express.RequestHandler;
}

/** The signed-in person of a request, or a 401 the page turns into its sign-in form. */
async function personOf(deps: WorkspaceRouteDeps, req: express.Request): Promise<string> {
  const signedIn = await deps.sessions.resolve(req.headers.cookie);
  if (!signedIn) {
    throw new AccessError(
      401,
      "M_MISSING_TOKEN",
      "Sign in with your Matrix ID to see this room's pads and pages.",
    );
  }
  return signedIn.userId;
}

function addApp(app: express.Express, log: Logger): void {
  const dist = uiDistDir();
  let html: Promise<string> | null = null;
  const page: express.RequestHandler = (_req, res) => {
    res.set({ ...PAGE_HEADERS, "Cache-Control": "no-store" });
    if (!dist) {
      res.status(503).type("text").send("Atrium's workspace page is not built (@atrium/im-ui).");
      return;
    }
    html ??= fs.readFile(path.join(dist, "workspace.html"), "utf8");
    html.then(
      (body) => void res.type("html").send(body),
      (error: unknown) => {
        html = null;
        log.error({ err: error }, "workspace.html is missing from @atrium/im-ui's build");
        res.status(503).type("text").send("Atrium's workspace page is not built.");
      },
    );
  };
  app.use(
    `${WORKSPACE_BASE}/assets`,
    (_req, res, next) => {
      res.set(PAGE_HEADERS);
      next();
    },
    express.static(path.join(dist ?? "/nonexistent", "assets"), {
      dotfiles: "allow",
      maxAge: "1h",
      fallthrough: false,
    }),
  );
  // The app's assets are relative (./assets/…): the bare base needs its trailing slash.
  app.get(WORKSPACE_BASE, (req, res, next) => {
    if (req.path.endsWith("/")) return next();
    res.redirect(301, `${WORKSPACE_BASE}/`);
  });
  app.get([`${WORKSPACE_BASE}/`, `${WORKSPACE_BASE}/:roomId`], page);
}

/** Adds the page and its room routes. */
export function registerWorkspaceRoutes(app: express.Express, deps: WorkspaceRouteDeps): void {
  const { log } = deps;
  addApp(app, log);

  app.get(
    "/atrium/workspace/me",
    deps.guarded(async (req, res) => {
      const signedIn = await deps.sessions.resolve(req.headers.cookie);
      res.set("Cache-Control", "no-store").send({ userId: signedIn?.userId ?? null });
    }),
  );

  app.get(
    "/atrium/workspace/rooms/:roomId",
    deps.limited,
    deps.guarded(async (req, res) => {
      const userId = await personOf(deps, req);
      const roomId = checkRoomId(String(req.params.roomId ?? ""));
      const view = await workspaceRoomView(deps.rooms, roomId, userId);
      res.set("Cache-Control", "no-store").send(view);
    }),
  );

  // The same checks and Etherpad sessions as the widget page; the session cookie is set here,
  // first-party, because the page is the top-level document on the pad origin.
  app.post(
    "/atrium/workspace/rooms/:roomId/pads/:widgetId",
    deps.limited,
    deps.guarded(async (req, res) => {
      requirePageRequest(req, deps.webOrigin);
      const userId = await personOf(deps, req);
      const roomId = checkRoomId(String(req.params.roomId ?? ""));
      const widgetId = String(req.params.widgetId ?? "");
      // A non-member learns nothing about the room's pads (not even whether one exists).
      await requireJoined(deps.rooms, roomId, userId);
      const member = await padMember(deps.pads, roomId, widgetId, userId);
      const grant = await openPadSession(deps.pads, roomId, member);
      if (grant.sessionId) {
        res.append(
          "Set-Cookie",
          sessionCookie(grant.sessionId, req.headers.cookie, {
            https: deps.https,
            maxAgeSeconds: deps.pads.config.etherpad.sessionSeconds,
          }),
        );
      }
      log.info(
        { room_id: roomId, user: userId, readOnly: grant.readOnly },
        "opened a pad from the workspace page",
      );
      res.set("Cache-Control", "no-store").send({ url: grant.url, readOnly: grant.readOnly });
    }),
  );
}
