/**
 * Sign in with Matrix, without a widget (ANY-CLIENT.md): the page asks for a Matrix ID, the bot
 * sends that person a DM with a code and a link.
 *
 * - `POST /atrium/workspace/sign-in` answers the same, in content and timing, for every
 *   well-formed ID: the rate limits are decided on the typed ID before anything is looked up,
 *   the answer is sent, and only then is the DM sent (or not, for someone who shares no room
 *   with the bot). The asking browser gets the request id in an HttpOnly cookie.
 * - `POST …/sign-in/code` signs in the browser that asked (its cookie + the code).
 * - `POST …/sign-in/link/peek` says who a link signs in; `POST …/sign-in/link` signs in the
 *   browser that opened it, after the person confirmed on the page. The link's token travels in
 *   the URL fragment and in POST bodies only, never in a query string.
 * - A browser signed in as someone else is asked (409) before its session changes.
 */
import type express from "express";
import { parseCookie, stringifySetCookie } from "cookie";
import type { Logger } from "pino";
import { AccessError, badRequest } from "../../../matrix/access-error";
import type { DirectMessages } from "./direct-messages";
import { bodyOf, parseUserId, requirePageRequest } from "./guards";
import type { SignInLimiter } from "./rate-limits";
import { checkRoomId } from "./room-view";
import { SIGN_IN_SECONDS, type SignInBook } from "./sign-in-book";
import type { WorkspaceSessions } from "./sessions";

export const REQUEST_COOKIE = "atrium_sign_in";

export interface SignInRouteDeps {
  book: SignInBook;
  limiter: SignInLimiter;
  dms: Pick<DirectMessages, "sendSignIn">;
  sessions: WorkspaceSessions;
  webOrigin: string;
  https: boolean;
  log: Logger;
  guarded: (
    handler: (req: express.Request, res: express.Response) => Promise<void>,
  ) => express.RequestHandler;
}

/** Refuses to replace the session of someone else unless the person confirmed (`replace`). */
async function checkReplace(
  deps: SignInRouteDeps,
  req: express.Request,
  userId: string,
): Promise<void> {
  const current = await deps.sessions.resolve(req.headers.cookie);
  if (current && current.userId !== userId && bodyOf(req).replace !== true) {
    throw new AccessError(
      409,
      "ATRIUM_SIGNED_IN_AS_OTHER",
      `This browser is signed in as ${current.userId}. Signing in as ${userId} replaces that: confirm to continue.`,
    );
  }
}

export function registerSignInRoutes(app: express.Express, deps: SignInRouteDeps): void {
  const { book, log } = deps;
  const requestCookie = (value: string, maxAge: number) =>
    stringifySetCookie({
      name: REQUEST_COOKIE,
      value,
      path: "/atrium/workspace",
      maxAge,
      httpOnly: true,
      secure: deps.https,
      sameSite: "strict",
    });

  app.post(
    "/atrium/workspace/sign-in",
    deps.guarded(async (req, res) => {
      requirePageRequest(req, deps.webOrigin);
      const body = bodyOf(req);
      const userId = parseUserId(body.userId);
      if (!userId) {
        throw badRequest(
          "That is not a Matrix ID. Matrix IDs look like @alice:example.org: an @, your user name, a colon and your server.",
        );
      }
      const roomId =
        typeof body.roomId === "string" && body.roomId ? checkRoomId(body.roomId) : null;
      const refusal = deps.limiter.take(userId, req.ip ?? "unknown");
      if (refusal) {
        const what =
          refusal.scope === "address"
            ? "from this network"
            : refusal.scope === "target"
              ? `for ${userId}`
              : "on this server";
        const minutes = Math.ceil(refusal.retryAfterMs / 60_000);
        res.status(429).send({
          errcode: "M_LIMIT_EXCEEDED",
          error: `Too many sign-in requests ${what} just now. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`,
          retry_after_ms: refusal.retryAfterMs,
        });
        return;
      }
      const issued = book.issue(userId, roomId);
      res
        .status(202)
        .set("Cache-Control", "no-store")
        .append("Set-Cookie", requestCookie(issued.requestId, SIGN_IN_SECONDS))
        .send({
          message:
            `If ${userId} shares a room with Atrium, a direct message from Atrium is on its way to them ` +
            `with a code and a link. Type the code here, or open the link on the device that got the message. ` +
            `Both work once, for ${SIGN_IN_SECONDS / 60} minutes.`,
          expiresInSeconds: SIGN_IN_SECONDS,
        });
      // After the answer: whether a DM goes out never shows in it, nor in its timing.
      deps.dms.sendSignIn(userId, issued.code, issued.linkToken).catch((error: unknown) => {
        log.error({ err: error }, "could not send a sign-in direct message");
      });
    }),
  );

  app.post(
    "/atrium/workspace/sign-in/code",
    deps.guarded(async (req, res) => {
      requirePageRequest(req, deps.webOrigin);
      const code = bodyOf(req).code;
      if (typeof code !== "string" || code.trim() === "") {
        throw badRequest("Type the code from Atrium's direct message (like ABCD-EFGH).");
      }
      const requestId = parseCookie(req.headers.cookie ?? "")[REQUEST_COOKIE] ?? "";
      // Asked before the code is tried, so a "replace?" question never uses the code up.
      const waiting = book.requestOf(requestId);
      if (waiting) await checkReplace(deps, req, waiting.userId);
      const outcome = book.tryCode(requestId, code);
      if (!outcome.ok) {
        if (outcome.reason === "closed") res.append("Set-Cookie", requestCookie("", 0));
        throw new AccessError(
          outcome.reason === "no-request" ? 400 : 403,
          outcome.reason === "no-request" ? "ATRIUM_NO_SIGN_IN" : "ATRIUM_WRONG_CODE",
          outcome.reason === "no-request"
            ? "No sign-in is waiting in this browser (it expired, was used, or was asked in another browser). Ask for a new code."
            : outcome.reason === "closed"
              ? "Too many wrong codes: this sign-in request is closed. Ask for a new code."
              : `That code is not right. ${outcome.attemptsLeft} ${outcome.attemptsLeft === 1 ? "try" : "tries"} left.`,
        );
      }
      res.append("Set-Cookie", requestCookie("", 0));
      res.append("Set-Cookie", await deps.sessions.create(outcome.userId));
      log.info("signed in a browser with a code");
      res.set("Cache-Control", "no-store").send({ userId: outcome.userId, roomId: outcome.roomId });
    }),
  );

  const linkOf = (req: express.Request): string => {
    const token = bodyOf(req).token;
    return typeof token === "string" ? token : "";
  };
  const usedOrUnknown = () =>
    new AccessError(
      404,
      "ATRIUM_LINK_INVALID",
      "This sign-in link was already used, has expired (links work for 10 minutes) or is not complete. Ask for a new one on the workspace page.",
    );

  app.post(
    "/atrium/workspace/sign-in/link/peek",
    deps.guarded(async (req, res) => {
      requirePageRequest(req, deps.webOrigin);
      const request = book.peekLink(linkOf(req));
      if (!request) throw usedOrUnknown();
      const current = await deps.sessions.resolve(req.headers.cookie);
      res.set("Cache-Control", "no-store").send({
        userId: request.userId,
        roomId: request.roomId,
        signedInAs: current?.userId ?? null,
      });
    }),
  );

  app.post(
    "/atrium/workspace/sign-in/link",
    deps.guarded(async (req, res) => {
      requirePageRequest(req, deps.webOrigin);
      const token = linkOf(req);
      const peeked = book.peekLink(token);
      if (!peeked) throw usedOrUnknown();
      await checkReplace(deps, req, peeked.userId);
      const request = book.redeemLink(token);
      if (!request) throw usedOrUnknown();
      res.append("Set-Cookie", await deps.sessions.create(request.userId));
      log.info("signed in a browser with a link");
      res.set("Cache-Control", "no-store").send({ userId: request.userId, roomId: request.roomId });
    }),
  );

  app.post(
    "/atrium/workspace/sign-out",
    deps.guarded(async (req, res) => {
      requirePageRequest(req, deps.webOrigin);
      res.append("Set-Cookie", await deps.sessions.end(req.headers.cookie));
      res.set("Cache-Control", "no-store").send({ signedOut: true });
    }),
  );
}
