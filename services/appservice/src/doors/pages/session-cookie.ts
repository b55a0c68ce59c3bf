/**
 * The `sessionID` cookie Etherpad reads. Etherpad 1.8.14's pad client reads it with
 * `Cookies.get('sessionID')` (static/js/pad.js) and sends it in CLIENT_READY over socket.io, so
 * it cannot be HttpOnly. Etherpad accepts several comma-separated session ids, so a new session
 * is added to the ids the browser already holds (pads of several rooms stay open side by side).
 * The comma is sent as `%2C` (a cookie value may not hold a bare comma); Etherpad's js-cookie
 * 2.2.1 decodes it.
 *
 * Cookies are scoped by host, not by port: on a loopback stack the cookie set by the web
 * listener on http://localhost:<webPort> is also sent to Etherpad on http://localhost:<padPort>.
 * In production the proxy serves /atrium/* under the pad domain, so the cookie is the pad
 * origin's own.
 */
import { parseCookie, stringifySetCookie } from "cookie";

export const SESSION_COOKIE = "sessionID";
/** Session ids kept in the cookie; older ones (likely expired) are dropped. */
export const MAX_SESSIONS_IN_COOKIE = 8;

const SESSION_ID = /^s\.[A-Za-z0-9]{1,64}$/u;

/** The session ids of a `Cookie` header that look like Etherpad's (`s.…`). */
export function sessionIdsOf(cookieHeader: string | undefined): string[] {
  if (!cookieHeader) return [];
  const value = parseCookie(cookieHeader)[SESSION_COOKIE] ?? "";
  return value.split(",").filter((id) => SESSION_ID.test(id));
}

/**
 * The Set-Cookie value for a new session: the new id first, then the ids the browser held.
 * `https` pads get `Secure; SameSite=None` (the page is embedded in a client of another site);
 * plain-http loopback stacks get `SameSite=Lax` (same site, and None needs Secure).
 * `partitioned` adds `Partitioned` (CHIPS; https only, browsers require Secure for it).
 */
export function sessionCookie(
  newId: string,
  cookieHeader: string | undefined,
  opts: { https: boolean; maxAgeSeconds: number; partitioned?: boolean },
): string {
  const ids = [newId, ...sessionIdsOf(cookieHeader).filter((id) => id !== newId)].slice(
    0,
    MAX_SESSIONS_IN_COOKIE,
  );
  return stringifySetCookie({
    name: SESSION_COOKIE,
    value: ids.join(","),
    path: "/",
    maxAge: opts.maxAgeSeconds,
    secure: opts.https,
    sameSite: opts.https ? "none" : "lax",
    partitioned: opts.https && opts.partitioned === true,
    // Etherpad's client JS must read it; see the module comment.
    httpOnly: false,
  });
}

/**
 * The Set-Cookie values for a session opened from inside the widget's iframe. On https, the
 * cookie is set twice with the same value: unpartitioned (reaches a later top-level tab, the
 * pop-out, where third-party cookies are allowed) and `Partitioned` (CHIPS: kept, for this
 * client's site only, by browsers that block unpartitioned third-party cookies). Both are
 * rewritten on every new session, so they hold the same ids. Plain http gets the one cookie.
 */
export function embeddedSessionCookies(
  newId: string,
  cookieHeader: string | undefined,
  opts: { https: boolean; maxAgeSeconds: number },
): string[] {
  const plain = sessionCookie(newId, cookieHeader, opts);
  return opts.https
    ? [plain, sessionCookie(newId, cookieHeader, { ...opts, partitioned: true })]
    : [plain];
}
