/**
 * The integration manager's Atrium routes (`/api/atrium/rooms/…`, the contract in
 * `@atrium/widgets` im-api.ts): the room view, and add, remove and pin through the same
 * RoomActions as the `!commands`, so both front doors check power and input alike and write
 * the same widgets. Only state events are written, so this works in encrypted rooms too.
 */
import type express from "express";
import {
  WIDGET_EVENT_TYPE,
  type ImActionResult,
  type ImAddRequest,
  type ImWidget,
} from "@atrium/widgets";
import type { ActionResult, RoomActions } from "../../workspace/room-actions";
import type { WidgetRow } from "../../store/store";
import { AccessError, badRequest } from "../../matrix/access-error";
import { guarded } from "../pages/route-guards";
import { tokenOf, userOfRequest } from "./auth";
import { RefusalBudget } from "./refusal-budget";
import { requireTerms, type ImProtocolDeps } from "./protocol";
import { confirmRefusal } from "../../matrix/state-cache";
import { roomView, type RoomViewDeps } from "./room-view";
import type { MatrixGateway } from "../../matrix/gateway";
import { reply } from "../commands/reply";
import { imAction } from "./action";

export interface ImRoomDeps extends ImProtocolDeps, RoomViewDeps {
  actions: RoomActions;
  /** The room view's reads, and the widget event read back after an add. */
  gateway: RoomViewDeps["gateway"] & Pick<MatrixGateway, "getState">;
  /** Refusals per token (default: a budget of this app's own). */
  refusals?: RefusalBudget;
  /**
   * Tells the room what was added, with its link on the workspace page (clients without
   * widgets see nothing else of it).
   */
  notices?: Pick<MatrixGateway, "sendNotice">;
}

/** `!opaque:server`, or (room version 12) `!opaque` alone. */
const ROOM_ID = /^![^\s]{1,511}$/u;

export function roomIdOf(req: express.Request): string {
  const roomId = String(req.params.roomId ?? "");
  if (!ROOM_ID.test(roomId)) throw badRequest(`${JSON.stringify(roomId)} is not a room id.`);
  return roomId;
}

function widgetOf(row: WidgetRow, pinned = false): ImWidget {
  return {
    id: row.widget_id,
    kind: row.kind,
    name: row.name,
    url: row.url,
    pinned,
    creator: row.creator,
  };
}

/** The HTTP status and errcode of each refusal kind (the feed routes share them). */
export const STATUS: Record<Exclude<ActionResult, { ok: true }>["kind"], [number, string]> = {
  power: [403, "M_FORBIDDEN"],
  "bot-power": [409, "ATRIUM_BOT_NOT_READY"],
  invalid: [400, "M_INVALID_PARAM"],
  "few-members": [409, "ATRIUM_FEW_MEMBERS"],
  "not-found": [404, "M_NOT_FOUND"],
};

function addRequestOf(body: unknown): ImAddRequest {
  const b = (body && typeof body === "object" ? body : {}) as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === "string" ? v : undefined);
  switch (b.kind) {
    case "etherpad":
      return { kind: "etherpad", name: str(b.name) ?? "" };
    case "jitsi":
      return { kind: "jitsi", force: b.force === true };
    case "custom": {
      const name = str(b.name);
      return { kind: "custom", url: str(b.url) ?? "", ...(name !== undefined ? { name } : {}) };
    }
    default:
      throw badRequest('kind must be "etherpad", "jitsi" or "custom".');
  }
}

/** Whether the widget an action returns is pinned afterwards (as far as the action knows). */
function pinnedAfter(action: string, req: express.Request): boolean {
  return action === "pin" && (req.body as { pinned?: unknown } | undefined)?.pinned === true;
}

/** The caller of an IM route, checked: live token, terms accepted. */
export function callerOf(deps: ImProtocolDeps): (req: express.Request) => Promise<string> {
  return async (req) => {
    const userId = await userOfRequest(req, deps.tokens);
    await requireTerms(deps, userId);
    return userId;
  };
}

/**
 * Refuses unless the bot is in `roomId` (409 `ATRIUM_BOT_NOT_READY`, saying what it is needed
 * `for`) and `userId` is joined (403 `M_FORBIDDEN`).
 */
export async function requireJoined(
  deps: RoomViewDeps,
  roomId: string,
  userId: string,
  botNeededFor: string,
): Promise<void> {
  const view = await confirmRefusal(
    deps.gateway,
    roomId,
    () => roomView(deps, roomId, userId),
    (v) => v.room?.userMembership !== "join",
    userId,
  );
  if (!view.room) {
    throw new AccessError(
      409,
      "ATRIUM_BOT_NOT_READY",
      `Atrium's bot (${view.bot.userId}) is not in this room: invite it first, ${botNeededFor}.`,
    );
  }
  if (view.room.userMembership !== "join") throw notAMember(view.room.userMembership);
}

/** The refusal a non-member gets (it names only their own membership). */
function notAMember(membership: string | null): AccessError {
  return new AccessError(
    403,
    "M_FORBIDDEN",
    membership === "invite"
      ? "You are invited to this room but have not joined it yet: join it in Element first."
      : "You are not a member of this room: join it first.",
  );
}

/**
 * Counts the refusals (403, 409) answered under `/api/atrium/rooms` against the caller's token,
 * and answers 429 without asking the homeserver once the token used up its budget (issue 22
 * item 6). Added before the room and feed routes.
 */
function refusalLimit(budget: RefusalBudget): express.RequestHandler {
  return (req, res, next) => {
    const token = tokenOf(req) ?? "";
    try {
      budget.check(token);
    } catch (error: unknown) {
      if (!(error instanceof AccessError)) throw error;
      res.status(error.status).set("Cache-Control", "no-store").send(error.toJSON());
      return;
    }
    res.on("finish", () => {
      if (res.statusCode === 403 || res.statusCode === 409) budget.spend(token);
    });
    next();
  };
}

/** Adds the room routes to the IM app. */
export function addRoomRoutes(app: express.Express, deps: ImRoomDeps): void {
  const { actions, log } = deps;
  app.use("/api/atrium/rooms", refusalLimit(deps.refusals ?? new RefusalBudget()));

  const caller = callerOf(deps);

  /** Runs an action for a joined member, with the bot ready and the power checked. */
  const act = (
    action: string,
    layoutToo: boolean,
    run: (roomId: string, userId: string, req: express.Request) => Promise<ActionResult>,
  ): express.RequestHandler =>
    imAction(deps, action, {
      caller,
      roomIdOf,
      requireJoined: (roomId, userId) =>
        requireJoined(
          deps,
          roomId,
          userId,
          "so it can check who belongs to the room and open pads for them",
        ),
      statuses: STATUS,
      messageOf: (text) => text.replace("send `!meet --force`", 'choose "Add anyway"'),
      run: async (roomId, userId, req) =>
        (await actions.checkPower(roomId, userId, layoutToo)) ?? (await run(roomId, userId, req)),
      done: async (result, { roomId, userId, req, res }) => {
        if (action === "add" && result.row && deps.notices) {
          const said = reply(
            `${result.message} (Added by ${userId} with the integration manager.)`,
          );
          await deps.notices.sendNotice(
            roomId,
            said.plain,
            said.html,
            `im-add:${roomId}:${result.row.widget_id}:${result.row.created_at}`,
          );
        }
        const written =
          action === "add" && result.row
            ? await deps.gateway.getState(roomId, WIDGET_EVENT_TYPE, result.row.widget_id)
            : null;
        const body: ImActionResult = {
          message: result.message,
          ...(result.row ? { widget: widgetOf(result.row, pinnedAfter(action, req)) } : {}),
          // Written again through Element by the person who added it, who becomes its sender.
          ...(written && result.row
            ? {
                clientWrite: {
                  type: WIDGET_EVENT_TYPE,
                  state_key: result.row.widget_id,
                  content: { ...written, creatorUserId: userId },
                },
              }
            : {}),
        };
        res.send(body);
      },
    });

  app.get(
    "/api/atrium/rooms/:roomId",
    guarded(log, async (req, res) => {
      const userId = await caller(req);
      const roomId = roomIdOf(req);
      // Members only (issue 22 item 14): a non-member learns nothing of the room.
      const view = await confirmRefusal(
        deps.gateway,
        roomId,
        () => roomView(deps, roomId, userId),
        (v) => v.room !== null && v.room.userMembership !== "join",
        userId,
      );
      if (view.room && view.room.userMembership !== "join") {
        throw notAMember(view.room.userMembership);
      }
      res.set("Cache-Control", "no-store").send(view);
    }),
  );
  app.post(
    "/api/atrium/rooms/:roomId/widgets",
    act("add", false, async (roomId, userId, req) => {
      const request = addRequestOf(req.body);
      switch (request.kind) {
        case "etherpad":
          return actions.addPad(roomId, request.name, userId);
        case "jitsi":
          return actions.addConference(roomId, userId, request.force === true);
        case "custom":
          // The URL seeds the widget id: adding the same page again updates it, never doubles it.
          return actions.addPage(roomId, request.url, request.name, userId, `im:${request.url}`);
      }
    }),
  );
  app.delete(
    "/api/atrium/rooms/:roomId/widgets/:widgetId",
    act("remove", false, (roomId, userId, req) =>
      actions.remove(roomId, String(req.params.widgetId ?? ""), userId),
    ),
  );
  app.put(
    "/api/atrium/rooms/:roomId/widgets/:widgetId/pin",
    act("pin", true, (roomId, _userId, req) => {
      const pinned = (req.body as { pinned?: unknown } | undefined)?.pinned;
      if (typeof pinned !== "boolean")
        throw badRequest('Send {"pinned": true} or {"pinned": false}.');
      return actions.pin(roomId, String(req.params.widgetId ?? ""), pinned);
    }),
  );
}
