/**
 * The workspace page's calls to the appservice (same origin, under `/atrium/workspace/`). The
 * session is an HttpOnly cookie the page never sees; every call is JSON, so no other site can
 * make them in this browser's name.
 */

import type { WorkspaceRoomView } from "@atrium/widgets";

/** A room as the page shows it: the appservice's answer, typed by the shared contract. */
export type WorkspaceRoom = WorkspaceRoomView;

/** A refused call: `status`, `errcode` and the sentence written for people. */
export class WorkspaceError extends Error {
  constructor(
    readonly status: number,
    readonly errcode: string,
    message: string,
  ) {
    super(message);
    this.name = "WorkspaceError";
  }
}

/** The message of any error, for the page. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : "Something went wrong; try again.";
}

const BASE = "/atrium/workspace";

async function call<T>(method: "GET" | "POST", path: string, body?: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`${BASE}${path}`, {
      method,
      credentials: "same-origin",
      headers: body === undefined ? {} : { "Content-Type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch {
    throw new WorkspaceError(
      0,
      "ATRIUM_OFFLINE",
      "Atrium cannot be reached; check your connection and try again.",
    );
  }
  const json = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok) {
    throw new WorkspaceError(
      response.status,
      typeof json.errcode === "string" ? json.errcode : "M_UNKNOWN",
      typeof json.error === "string" ? json.error : `Atrium answered ${response.status}.`,
    );
  }
  return json as T;
}

export const workspaceApi = {
  me: () => call<{ userId: string | null }>("GET", "/me"),
  room: (roomId: string) => call<WorkspaceRoom>("GET", `/rooms/${encodeURIComponent(roomId)}`),
  openPad: (roomId: string, padId: string) =>
    call<{ url: string; readOnly: boolean }>(
      "POST",
      `/rooms/${encodeURIComponent(roomId)}/pads/${encodeURIComponent(padId)}`,
      {},
    ),
  askToSignIn: (userId: string, roomId: string | null) =>
    call<{ message: string; expiresInSeconds: number }>("POST", "/sign-in", {
      userId,
      ...(roomId ? { roomId } : {}),
    }),
  enterCode: (code: string, replace = false) =>
    call<{ userId: string; roomId: string | null }>("POST", "/sign-in/code", { code, replace }),
  peekLink: (token: string) =>
    call<{ userId: string; roomId: string | null; signedInAs: string | null }>(
      "POST",
      "/sign-in/link/peek",
      { token },
    ),
  useLink: (token: string) =>
    call<{ userId: string; roomId: string | null }>("POST", "/sign-in/link", {
      token,
      replace: true,
    }),
  signOut: () => call<{ signedOut: true }>("POST", "/sign-out", {}),
};

/** Where the page is: a room (`/atrium/room/<id>`, `?w=<widget>`), the sign-in link, or neither. */
export type Place =
  | { kind: "room"; roomId: string; widgetId: string | null }
  | { kind: "link"; token: string }
  | { kind: "none" };

export function placeOf(location: Pick<Location, "pathname" | "search" | "hash">): Place {
  const rest = location.pathname.replace(/^.*\/atrium\/room\/?/, "");
  if (rest === "sign-in") return { kind: "link", token: location.hash.replace(/^#/, "") };
  if (rest === "") return { kind: "none" };
  let roomId: string;
  try {
    roomId = decodeURIComponent(rest);
  } catch {
    return { kind: "none" };
  }
  return { kind: "room", roomId, widgetId: new URLSearchParams(location.search).get("w") };
}

/** The page of a room, for links inside the app. */
export function roomPath(roomId: string, widgetId?: string): string {
  const path = `/atrium/room/${encodeURIComponent(roomId)}`;
  return widgetId ? `${path}?w=${encodeURIComponent(widgetId)}` : path;
}
