/**
 * `GET /atrium/pad/view/<token>`: the read-only view of a pad (see pad-view.ts). Each load checks
 * the member again (joined now, the widget still Atrium's pad) and reads the pad's current text.
 */
import type express from "express";
import { AccessError } from "../../matrix/access-error";
import { padMember } from "./pad-access";
import { OPEN_FROM_WIDGET } from "./pad-resume";
import type { PadRouteContext } from "./pad-route-context";
import { PAD_VIEW_CSS, VIEW_CSP, viewPage } from "./pad-view";
import { messagePage } from "./pages";

const VIEW_HEADERS = {
  "Content-Security-Policy": VIEW_CSP,
  "Cache-Control": "no-store",
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
};

/** Adds the read-only view and its stylesheet. */
export function registerPadViewRoutes(app: express.Express, ctx: PadRouteContext): void {
  const { deps, log } = ctx;
  app.get("/atrium/static/pad-view.css", (_req, res) => {
    res
      .set({ "Cache-Control": "public, max-age=3600", "X-Content-Type-Options": "nosniff" })
      .type("text/css")
      .send(PAD_VIEW_CSS);
  });

  app.get("/atrium/pad/view/:token", ctx.viewLoads, (req, res) => {
    res.set(VIEW_HEADERS);
    const refuse = (status: number, message: string) =>
      void res.status(status).type("html").send(messagePage("The pad stays closed", message));
    const view = ctx.views.find(String(req.params.token ?? ""));
    if (!view) {
      refuse(404, `This read-only link has expired or is not valid. ${OPEN_FROM_WIDGET}`);
      return;
    }
    (async () => {
      const member = await padMember(deps, view.roomId, view.widgetId, view.userId);
      const text = await deps.etherpad.getText(member.padId);
      res.type("html").send(viewPage(text));
    })().catch((error: unknown) => {
      if (error instanceof AccessError) {
        refuse(error.status, error.humanMessage);
        return;
      }
      log.error({ err: error, room_id: view.roomId }, "read-only view failed");
      refuse(502, "The pad could not be read; this page tries again in a moment.");
    });
  });
}
