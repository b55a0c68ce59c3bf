/**
 * The appservice's IM REST API (contract: `@atrium/widgets` im-api.ts). The UI lives at
 * `<IM origin>/element/` and the API at `<IM origin>/api/…`.
 */
import type {
  ImActionResult,
  ImAddRequest,
  ImError,
  ImFeedActionResult,
  ImFeedList,
  ImFeedRequest,
  ImRoomView,
} from "@atrium/widgets";

/** A refused API request: `errcode` and the `error` sentence written for people. */
export class ImApiError extends Error {
  constructor(
    public readonly status: number,
    public readonly errcode: string,
    message: string,
    public readonly body: Partial<ImError> = {},
  ) {
    super(message);
    this.name = "ImApiError";
  }
}

/** What the UI asks of the server; an interface so the bot flow can be tested with a fake. */
export interface ImApi {
  room(roomId: string): Promise<ImRoomView>;
  add(roomId: string, request: ImAddRequest): Promise<ImActionResult>;
  remove(roomId: string, widgetId: string): Promise<ImActionResult>;
  pin(roomId: string, widgetId: string, pinned: boolean): Promise<ImActionResult>;
  feeds(roomId: string): Promise<ImFeedList>;
  addFeed(roomId: string, request: ImFeedRequest): Promise<ImFeedActionResult>;
  previewFeed(roomId: string, request: ImFeedRequest): Promise<ImFeedActionResult>;
  removeFeed(roomId: string, feedId: number): Promise<ImFeedActionResult>;
  pauseFeed(roomId: string, feedId: number, paused: boolean): Promise<ImFeedActionResult>;
}

type Fetch = (input: string, init: RequestInit) => Promise<Response>;

/** An {@link ImApi} over `fetch`, authenticated with the scalar token Element passed. */
export function createImApi(origin: string, token: string, doFetch: Fetch = fetch): ImApi {
  const room = (roomId: string) => `/api/atrium/rooms/${encodeURIComponent(roomId)}`;
  const widget = (roomId: string, widgetId: string) =>
    `${room(roomId)}/widgets/${encodeURIComponent(widgetId)}`;
  const feed = (roomId: string, feedId: number) => `${room(roomId)}/feeds/${feedId}`;

  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { Authorization: `Bearer ${token}` };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    let response: Response;
    try {
      response = await doFetch(new URL(path, origin).toString(), {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch {
      throw new ImApiError(0, "ATRIUM_NETWORK", "Atrium could not be reached. Try again.");
    }
    const parsed: unknown = await response.json().catch(() => undefined);
    if (!response.ok) {
      const error = (
        typeof parsed === "object" && parsed !== null ? parsed : {}
      ) as Partial<ImError>;
      throw new ImApiError(
        response.status,
        typeof error.errcode === "string" ? error.errcode : "M_UNKNOWN",
        typeof error.error === "string" && error.error !== ""
          ? error.error
          : `Atrium answered ${response.status} ${response.statusText}.`,
        error,
      );
    }
    return parsed as T;
  }

  return {
    room: (roomId) => call<ImRoomView>("GET", room(roomId)),
    add: (roomId, request) => call<ImActionResult>("POST", `${room(roomId)}/widgets`, request),
    remove: (roomId, widgetId) => call<ImActionResult>("DELETE", widget(roomId, widgetId)),
    pin: (roomId, widgetId, pinned) =>
      call<ImActionResult>("PUT", `${widget(roomId, widgetId)}/pin`, { pinned }),
    feeds: (roomId) => call<ImFeedList>("GET", `${room(roomId)}/feeds`),
    addFeed: (roomId, request) =>
      call<ImFeedActionResult>("POST", `${room(roomId)}/feeds`, request),
    previewFeed: (roomId, request) =>
      call<ImFeedActionResult>("POST", `${room(roomId)}/feeds/preview`, request),
    removeFeed: (roomId, feedId) => call<ImFeedActionResult>("DELETE", feed(roomId, feedId)),
    pauseFeed: (roomId, feedId, paused) =>
      call<ImFeedActionResult>("PUT", `${feed(roomId, feedId)}/paused`, { paused }),
  };
}

/** The sentence to show for any failure. */
export function messageOf(error: unknown): string {
  if (error instanceof Error && error.message !== "") return error.message;
  return "Something went wrong. Try again.";
}
