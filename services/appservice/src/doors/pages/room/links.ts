/**
 * The workspace page's addresses. They carry no secret (a room id, a widget id), so they can be
 * posted in rooms, pinned and logged; sign-in secrets travel only in a URL fragment or a POST.
 */

/** Where the page lives under the public web URL. */
export const WORKSPACE_BASE = "/atrium/room";
/** The page a sign-in link opens (the token follows in the fragment). */
export const SIGN_IN_LINK_PATH = `${WORKSPACE_BASE}/sign-in`;

/** The room's workspace page; with `widgetId`, the page opened at that pad or web page. */
export function workspaceUrl(publicUrl: string, roomId: string, widgetId?: string): string {
  const base = `${publicUrl}${WORKSPACE_BASE}/${encodeURIComponent(roomId)}`;
  return widgetId === undefined ? base : `${base}?w=${encodeURIComponent(widgetId)}`;
}

/** The link of a sign-in DM: the token in the fragment, which browsers never send anywhere. */
export function signInLink(publicUrl: string, token: string): string {
  return `${publicUrl}${SIGN_IN_LINK_PATH}#${token}`;
}
