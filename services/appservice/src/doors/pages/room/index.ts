/**
 * The workspace page per room (issue 21, ANY-CLIENT.md): pads, web pages and the call of a room
 * for every Matrix client, through a link; sign-in with Matrix by direct message; the pinned
 * message with the room's workspace link. `createWorkspacePage` builds the parts once; the web
 * listener mounts the routes with the pad checks it already has.
 */
import type express from "express";
import type { Logger } from "pino";
import type { AtriumConfig } from "../../../config/schema";
import type { Store } from "../../../store/store";
import type { PadAccessDeps } from "../pad-access";
import type { StateReader } from "../../../matrix/membership";
import type { MatrixGateway, MessageSender } from "../../../matrix/gateway";
import { exchangeLimiter, guarded } from "../route-guards";
import { DirectMessages, type DmPort } from "./direct-messages";
import { WorkspacePins, type PinPort } from "./pinned-message";
import { SignInLimiter } from "./rate-limits";
import { registerWorkspaceRoutes } from "./routes";
import { WorkspaceSessions } from "./sessions";
import { SignInBook } from "./sign-in-book";
import { registerSignInRoutes } from "./sign-in-routes";
import { WorkspacePageStore } from "./store";

export { workspacePinsMigration } from "./store";
export { workspaceUrl } from "./links";

/** The bot's client calls the workspace page makes beyond the gateway. */
export interface BotClient {
  getJoinedRooms(): Promise<string[]>;
  inviteUser(userId: string, roomId: string): Promise<unknown>;
}

/**
 * The bot as the workspace page uses it: room state from `cached` (a state cache is fine for DMs,
 * "shares a room" checks and the pin), rooms made and messages sent by `bot`.
 */
export function botPorts(
  cached: MatrixGateway,
  bot: MatrixGateway & MessageSender,
  client: BotClient,
): { dmPort: DmPort; pinPort: PinPort } {
  const sendMessage: MessageSender["sendMessage"] = (roomId, content, key) =>
    bot.sendMessage(roomId, content, key);
  return {
    dmPort: {
      botUserId: bot.botUserId,
      joinedRooms: () => client.getJoinedRooms(),
      getState: (roomId, type, stateKey) => cached.getState(roomId, type, stateKey),
      createRoom: (options) => bot.createRoom(options),
      invite: async (roomId, userId) => {
        await client.inviteUser(userId, roomId);
      },
      sendMessage,
    },
    pinPort: {
      botUserId: bot.botUserId,
      roomState: (roomId) => cached.roomState(roomId),
      sendState: (roomId, type, key, content) => cached.sendState(roomId, type, key, content),
      sendMessage,
    },
  };
}

export interface WorkspacePageOptions {
  config: AtriumConfig;
  store: Store;
  /** The bot, for DMs and "shares a room" checks. */
  dmPort: DmPort;
  /** The bot, for the pinned workspace message (reads room state, sends, pins). */
  pinPort: PinPort;
  log: Logger;
  /** Tests pass a clock. */
  now?: () => number;
}

/** What the web listener mounts; see {@link createWorkspacePage}. */
export interface WorkspacePage {
  /** Adds the page and its routes; `pads` are the widget page's own checks and sessions. */
  register(app: express.Express, pads: PadAccessDeps, homeserver: StateReader): void;
  /** Who a browser is signed in as (the own-tab ticket asks before replacing them). */
  signedInAs(cookieHeader: string | undefined): Promise<string | null>;
  /** Drops expired sessions. */
  prune(): Promise<void>;
  /**
   * Whether `userId` is joined to a room the bot is in (its sign-in DM rooms aside): the one
   * "still here" rule of workspace sessions and IM tokens.
   */
  sharesRoom(userId: string): Promise<boolean>;
  /**
   * A person left or was banned from a room: when they now share no room with the bot (a
   * deactivated account leaves every room), their sessions end at once.
   */
  memberLeft(userId: string): Promise<void>;
  /** The pinned workspace message of each room (the event processor tells it of changes). */
  pins: WorkspacePins;
}

export function createWorkspacePage(opts: WorkspacePageOptions): WorkspacePage {
  const { config, log } = opts;
  const pageStore = new WorkspacePageStore(opts.store.db);
  const https = config.web.publicUrl.startsWith("https://");
  const webOrigin = new URL(config.web.publicUrl).origin;
  const dms = new DirectMessages({
    port: opts.dmPort,
    store: pageStore,
    publicUrl: config.web.publicUrl,
    encrypt: (config as { encryption?: { enabled?: boolean } }).encryption?.enabled === true,
    log,
  });
  const sessions = new WorkspaceSessions({
    store: pageStore,
    maxAgeSeconds: config.workspacePage.sessionHours * 3600,
    https,
    stillHere: (userId) => dms.sharesRoom(userId),
    ...(opts.now ? { now: opts.now } : {}),
  });
  const wrap = (handler: Parameters<typeof guarded>[1]) => guarded(log, handler);
  return {
    register(app, pads, homeserver) {
      registerSignInRoutes(app, {
        book: new SignInBook(opts.now),
        limiter: new SignInLimiter(config.workspacePage.signInLimits, opts.now),
        dms,
        sessions,
        webOrigin,
        https,
        log,
        guarded: wrap,
      });
      registerWorkspaceRoutes(app, {
        pads,
        rooms: { config, store: opts.store, gateway: homeserver },
        sessions,
        webOrigin,
        https,
        log,
        limited: exchangeLimiter(60, "open this room's workspace"),
        guarded: wrap,
      });
    },
    signedInAs: async (cookieHeader) => (await sessions.resolve(cookieHeader))?.userId ?? null,
    prune: () => pageStore.pruneSessions(opts.now?.() ?? Date.now()),
    async memberLeft(userId) {
      if (!(await pageStore.hasSessions(userId)) || (await dms.sharesRoom(userId))) return;
      const ended = await pageStore.deleteSessionsOf(userId);
      log.info({ count: ended }, "ended the workspace sessions of someone who shares no room now");
    },
    sharesRoom: (userId) => dms.sharesRoom(userId),
    pins: new WorkspacePins({
      port: opts.pinPort,
      store: opts.store,
      pins: pageStore,
      publicUrl: config.web.publicUrl,
      log,
    }),
  };
}
