/**
 * The contract between Atrium's integration manager UI (the browser app Element opens from
 * Room info → Extensions) and the appservice's IM REST API. Every route takes the IM token
 * (`Authorization: Bearer <scalar_token>`; `access_token`/`scalar_token` query parameters are
 * accepted too) and answers JSON; errors are `{errcode, error}` with `error` written for people.
 *
 * - `GET    /api/atrium/rooms/:roomId`                         → {@link ImRoomView}
 * - `POST   /api/atrium/rooms/:roomId/widgets`                 body {@link ImAddRequest} → {@link ImActionResult}
 * - `DELETE /api/atrium/rooms/:roomId/widgets/:widgetId`       → {@link ImActionResult} (a pad is archived, as `!remove`)
 * - `PUT    /api/atrium/rooms/:roomId/widgets/:widgetId/pin`   body `{pinned: boolean}` → {@link ImActionResult}
 *
 * Feeds, through the same actions as `!feed` (managing them needs the room's `state_default`;
 * listing and previewing need only membership):
 *
 * - `GET    /api/atrium/rooms/:roomId/feeds`                       → {@link ImFeedList}
 * - `POST   /api/atrium/rooms/:roomId/feeds`                       body {@link ImFeedRequest} → {@link ImFeedActionResult} (the newest entry is posted as `!feed add` does)
 * - `POST   /api/atrium/rooms/:roomId/feeds/preview`               body {@link ImFeedRequest} → {@link ImFeedActionResult} with `preview`
 * - `DELETE /api/atrium/rooms/:roomId/feeds/:feedId`               → {@link ImFeedActionResult}
 * - `PUT    /api/atrium/rooms/:roomId/feeds/:feedId/paused`        body `{paused: boolean}` → {@link ImFeedActionResult}
 * - `PUT    /api/atrium/rooms/:roomId/feeds/:feedId/template`      body `{template: string | null}` (null: the default) → {@link ImFeedActionResult}
 *
 * Error codes: 401 `M_MISSING_TOKEN`/`M_UNKNOWN_TOKEN`; 403 `M_FORBIDDEN` (not joined, or below
 * the widget power level); 409 `ATRIUM_BOT_NOT_READY` (the bot is not joined or lacks the widget
 * level: see {@link ImRoomView.bot}); 409 `ATRIUM_FEW_MEMBERS` (a conference in a room of fewer
 * than three; send `force: true` to add it anyway); 400 `M_INVALID_PARAM` (a refused name or
 * URL, or a feed that cannot be read; `error` says why and nothing changed); 404 `M_NOT_FOUND`
 * (no such widget or feed); 409 `ATRIUM_FEEDS_OFF` (feeds are turned off on the server); 429
 * `M_LIMIT_EXCEEDED`. Feed refusals for power are 403 `M_FORBIDDEN` with `neededLevel`.
 */

export type ImWidgetKind = "etherpad" | "jitsi" | "custom";

/** An Atrium widget of the room (archived ones are not listed). */
export interface ImWidget {
  /** The widget id (the state key of its `im.vector.modular.widgets` event). */
  id: string;
  kind: ImWidgetKind;
  name: string;
  /** The widget URL as in the room state (a template for pads and conferences). */
  url: string;
  /** Pinned to the top of the room (Element's layout). */
  pinned: boolean;
  creator: string;
}

/** What the UI needs to draw a room. */
export interface ImRoomView {
  roomId: string;
  /** The IM user (from the token). */
  userId: string;
  /** Atrium's bot: membership checks and pad sessions need it joined with the widget level. */
  bot: {
    userId: string;
    /** Its membership, or null when it was never in the room. */
    membership: "join" | "invite" | "leave" | "ban" | null;
    /** Its power level, when the room is visible to it (joined); null otherwise. */
    level: number | null;
    /** True when it is joined and has at least `room.neededLevel`. */
    ready: boolean;
  };
  /** Null while the bot is not joined (it cannot read the room then). */
  room: {
    name: string | null;
    encrypted: boolean;
    /** Joined members who are people (bots of appservices not counted). */
    memberCount: number;
    /** The IM user's membership. */
    userMembership: "join" | "invite" | "leave" | "ban" | "knock" | null;
    /** The IM user's level; `null` means unlimited (a room version 12 creator). */
    userLevel: number | null;
    /** The level for `im.vector.modular.widgets` state events. */
    neededLevel: number;
    /** The level for `io.element.widgets.layout` (pinning). */
    layoutLevel: number;
    canChangeWidgets: boolean;
    canPin: boolean;
    widgets: ImWidget[];
  } | null;
  /**
   * True when the room's call button joins a MatrixRTC call (Element Call) that every client can
   * join, Element X and Cinny included (appservice `calls.enabled`). Absent: false.
   */
  callButton?: boolean;
}

/** What to add. Names and URLs follow the same rules as `!pad` and `!widget`. */
export type ImAddRequest =
  | { kind: "etherpad"; name: string }
  | { kind: "jitsi"; force?: boolean }
  | { kind: "custom"; url: string; name?: string };

export interface ImActionResult {
  /** What happened, for people ("Added the pad "notes". …"). */
  message: string;
  widget?: ImWidget;
  /**
   * After an add: the widget's state event as Atrium wrote it, for the IM to write once more
   * through Element (ScalarMessaging `send_event`), so the person who added it is its sender.
   * Element takes a widget's creator from the sender: the creator loads it without the "Widget
   * added by …" prompt, and everyone else sees who added it. Where Element refuses or lacks
   * `send_event`, the widget stays as Atrium's bot wrote it.
   */
  clientWrite?: { type: string; state_key: string; content: Record<string, unknown> };
}

/** The error body of every refused IM request. */
export interface ImError {
  errcode: string;
  error: string;
  /** With `ATRIUM_BOT_NOT_READY`: the level the bot needs; with a feed's `M_FORBIDDEN`: the caller's. */
  neededLevel?: number;
  /** With `M_LIMIT_EXCEEDED`. */
  retry_after_ms?: number;
}

/** A feed the room follows (as `!feed list` shows it). */
export interface ImFeed {
  /** The subscription's number in the room (`#1`); the `:feedId` of the feed routes. */
  id: number;
  label: string;
  url: string;
  /** `failing`: the last reads failed (see `error`); `gone`: the server answered 410 and polling stopped until resumed. */
  state: "active" | "paused" | "failing" | "gone";
  error: string | null;
  /** The feed's own template; null for the default. */
  template: string | null;
  addedBy: string;
}

/** The room's feeds, for a joined member. */
export interface ImFeedList {
  /** The level managing feeds needs: the room's `state_default`. */
  neededLevel: number;
  /** The IM user may add, pause, resume and remove feeds and set their templates. */
  canManage: boolean;
  feeds: ImFeed[];
}

/** A feed to add or preview. The URL and label follow the same rules as `!feed add`. */
export interface ImFeedRequest {
  url: string;
  /** Without one, the feed's title (made unique in the room). */
  label?: string;
}

/** The newest entry of a feed as it would be posted; posts and adds nothing. */
export interface ImFeedPreview {
  /** The feed's own title. */
  feedTitle: string;
  /** The message: plain `body` and sanitised HTML; null when the feed has no entries yet. */
  entry: { plain: string; html: string } | null;
}

export interface ImFeedActionResult {
  /** What happened, for people ('Following "Blog" (#1, …). Its newest entry follows; …'). */
  message: string;
  /** With add: the new feed. */
  feed?: ImFeed;
  /** With preview. */
  preview?: ImFeedPreview;
}
