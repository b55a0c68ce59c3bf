/**
 * Boots Atrium in-process: store, Etherpad client, bridge (with the durable transaction
 * endpoint), processors and the public web listener. `start()` is what the CLI and the tests
 * call; it returns a handle whose `stop()` closes everything and flushes the store.
 */
import "./crypto-optional";
import { AppServiceRegistration, Bridge, Logger as BridgeLogger } from "matrix-appservice-bridge";
import { createEtherpadClient } from "@atrium/etherpad";
import type { AtriumConfig } from "./config/schema";
import { Store } from "./store/store";
import { BotSdkGateway } from "./matrix/gateway";
import { observeRecorded, StateCachingGateway } from "./matrix/state-cache";
import { DurableAppService } from "./matrix/transactions";
import { Workspace } from "./workspace/workspace";
import { CommandHandler } from "./doors/commands/handler";
import { RoomActions } from "./workspace/room-actions";
import { Reactions } from "./matrix/events/reactions";
import { Processor } from "./matrix/events/processor";
import { RoomsOnDemand } from "./workspace/rooms-on-demand";
import { OnDemandRooms } from "./store/on-demand-rooms";
import { createMetrics } from "./util/metrics";
import { instrumentEtherpad } from "./workspace/etherpad-metrics";
import { logger, setLogLevel } from "./util/log";
import { addOperationalRoutes } from "./doors/pages/operational";
import { startWebServer, type WebServer } from "./doors/pages/server";
import { openIdVerifierFor } from "./doors/pages/routes";
import { startImServer } from "./doors/im/server";
import { ImTokens } from "./store/im-tokens";
import {
  PadRevocations,
  registerRevocationGauge,
  startRevocationRetries,
} from "./store/pad-revocations";
import {
  StartupError,
  checkBotIdentity,
  checkRegistration,
  type RegistrationLike,
} from "./registration";
import { registerBot } from "./matrix/bot-user";
import { openBotCrypto, type BotCrypto } from "./matrix/crypto";
import { acquireInstanceLock, InstanceLockedError } from "./store/instance-lock";
import { tokenMatches, tokenOf } from "./matrix/hs-token";
import { pingFromHomeserver } from "./matrix/ping";
import { createFeeds } from "./workspace/feeds";
import { recentlySentVia } from "./workspace/feeds/room-history";
import { createWorkspacePage } from "./doors/pages/room";
import { createCalls } from "./doors/calls";
import { callsRegistrationProblems } from "./doors/calls/registration";

export {
  StartupError,
  checkRegistration,
  incompleteRegistrationError,
  type RegistrationLike,
} from "./registration";

export interface AtriumHandle {
  /** Base URL of the appservice API listener. */
  appserviceUrl: string;
  /** Base URL of the public web listener (widget pages, /verify). */
  webUrl: string;
  /** Base URL of the integration manager's listener, when configured. */
  imUrl: string | null;
  botUserId: string;
  /** The bot's device (encryption on), else null. */
  deviceId: string | null;
  store: Store;
  stop(): Promise<void>;
}

const INBOX_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;
const PAD_SESSION_GRACE_MS = 24 * 60 * 60 * 1000;

/** Turns a busy port into a StartupError that names the config key to change. */
async function listening<T>(key: string, address: string, listen: () => Promise<T>): Promise<T> {
  try {
    return await listen();
  } catch (error: unknown) {
    if ((error as { code?: unknown } | null)?.code === "EADDRINUSE") {
      throw new StartupError(
        `${key}: ${address} is already in use. Stop what listens there or choose another port in config.yaml.`,
      );
    }
    throw error;
  }
}

/** How `start` runs beyond config and registration. */
export interface StartOptions {
  /**
   * The crypto store was moved aside (`--reset-crypto`): make new cross-signing keys for the
   * new device even though the homeserver has some.
   */
  resetCrypto?: boolean;
}

export async function start(
  config: AtriumConfig,
  registration: RegistrationLike,
  options: StartOptions = {},
): Promise<AtriumHandle> {
  checkRegistration(registration);
  if (config.encryption.enabled) {
    checkBotIdentity(registration, config.bot.localpart, config.homeserver.domain);
  }
  setLogLevel(config.logging.level);
  BridgeLogger.configure({ console: config.logging.level === "silent" ? "off" : "warn" });
  const log = logger("app");
  const metrics = createMetrics();
  const lock = await acquireInstanceLock(config.database).catch((error: unknown) => {
    throw error instanceof InstanceLockedError ? new StartupError(error.message) : error;
  });
  const store = await Store.open(config.database).catch(async (error: unknown) => {
    await lock.release();
    throw error;
  });
  const etherpad = instrumentEtherpad(
    createEtherpadClient({
      url: config.etherpad.url,
      apiKey: config.etherpad.apiKey,
      timeoutMs: config.etherpad.timeoutMs,
    }),
    metrics,
  );
  // The bot is a namespaced user the appservice acts as; sender_localpart is a technical user.
  const botUserId = `@${config.bot.localpart}:${config.homeserver.domain}`;
  // Filled once the bridge is listening; the alias and transaction callbacks run after that.
  const late: {
    roomsOnDemand?: RoomsOnDemand;
    processor?: Processor;
    gateway?: StateCachingGateway;
  } = {};

  const bridge = new Bridge({
    homeserverUrl: config.homeserver.url,
    domain: config.homeserver.domain,
    registration: AppServiceRegistration.fromObject(registration as never),
    disableStores: true,
    controller: {
      // Events are processed from the durable inbox, not here (see matrix/transactions.ts).
      onEvent: () => undefined,
      // A bare room now, furnished on the first local join (see workspace/rooms-on-demand.ts).
      onAliasQuery: async (alias: string, localpart: string) =>
        (await late.roomsOnDemand?.onAliasQuery(alias, localpart)) ?? null,
    },
  });
  await bridge.initialise();
  // Routes added with addAppServicePath check the hs_token here: in constant time.
  (bridge as unknown as { requestCheckToken: (req: unknown) => boolean }).requestCheckToken = (
    req,
  ) => tokenMatches(tokenOf(req as Parameters<typeof tokenOf>[0]), registration.hs_token);

  const appservice = new DurableAppService(
    registration.hs_token,
    store,
    (events) => {
      // Stream order: the cache hears state when it is recorded, not when its lane runs.
      if (late.gateway) observeRecorded(late.gateway, events);
      void late.processor?.kick();
    },
    metrics,
    logger("transactions"),
  );
  await listening(
    "appservice.port",
    `${config.appservice.bindAddress}:${config.appservice.port}`,
    () => bridge.listen(config.appservice.port, config.appservice.bindAddress, 10, appservice),
  );

  const intent = bridge.getIntent(botUserId);
  // Membership checks of the public pages (pads, calls, /verify) ask the homeserver every
  // time; commands, reactions and the integration manager read the cached room state.
  const homeserver = new BotSdkGateway(intent.matrixClient, botUserId);
  const gateway = new StateCachingGateway(homeserver, { requests: metrics.homeserverRequests });
  // Encryption on: nothing is sent into an encrypted room before the crypto is open (a message
  // waits for it), and encrypted events wait for it in their room's lane.
  let cryptoOpened: (crypto: BotCrypto) => void = () => undefined;
  let cryptoFailed: (error: unknown) => void = () => undefined;
  const cryptoReady = new Promise<BotCrypto>((resolve, reject) => {
    cryptoOpened = resolve;
    cryptoFailed = reject;
  });
  cryptoReady.catch(() => undefined);
  if (config.encryption.enabled) {
    homeserver.useEncryption({
      encryptFor: async (roomId, type, content) =>
        (await cryptoReady).encryptFor(roomId, type, content),
    });
  }
  late.gateway = gateway;
  const workspace = new Workspace({ config, store, gateway, etherpad });
  const roomsOnDemand = new RoomsOnDemand({
    config,
    gateway,
    aliases: homeserver,
    workspace,
    rooms: new OnDemandRooms(store.db),
    log: logger("rooms-on-demand"),
  });
  late.roomsOnDemand = roomsOnDemand;
  const actions = new RoomActions({ config, store, gateway, workspace });
  // The workspace page per room and sign-in with Matrix by DM (issue 21).
  const workspacePage = createWorkspacePage({
    config,
    store,
    dmPort: {
      botUserId,
      joinedRooms: () => intent.matrixClient.getJoinedRooms(),
      getState: (roomId, type, stateKey) => gateway.getState(roomId, type, stateKey),
      createRoom: (options) => homeserver.createRoom(options),
      invite: (roomId, userId) => intent.matrixClient.inviteUser(userId, roomId),
      sendMessage: (roomId, content, key) => homeserver.sendMessage(roomId, content, key),
    },
    pinPort: {
      botUserId,
      roomState: (roomId) => gateway.roomState(roomId),
      sendState: (roomId, type, key, content) => gateway.sendState(roomId, type, key, content),
      sendMessage: (roomId, content, key) => homeserver.sendMessage(roomId, content, key),
    },
    log: logger("workspace-page"),
  });
  const feeds = createFeeds({
    config: config.feeds,
    db: store.db,
    gateway,
    recentlySent: recentlySentVia(
      (method, path, qs) => intent.matrixClient.doRequest(method, path, qs),
      botUserId,
    ),
    registry: metrics.registry,
    log: logger("feeds"),
  });
  const commands = new CommandHandler({
    config,
    store,
    gateway,
    actions,
    metrics,
    feeds: feeds.commands,
  });
  // MatrixRTC calls (issue 20): membership read uncached, so a kick a moment ago counts.
  const calls = createCalls({
    config,
    db: store.db,
    gateway: homeserver,
    openid: openIdVerifierFor(config),
    botRequest: (method, path, qs) => intent.matrixClient.doRequest(method, path, qs),
    log: logger("calls"),
  });
  calls?.addAppserviceRoutes(bridge, registration.hs_token);
  const callProblems = callsRegistrationProblems(config.calls, registration);
  if (callProblems.length) {
    log.warn(
      { missing: callProblems },
      "calls are on but the registration lacks the MSC4512 keys: clients that ask the homeserver for a call token get no answer; regenerate the registration (atrium-appservice -r) and give it to Synapse",
    );
  }
  const reactions = new Reactions({
    config,
    store,
    gateway,
    workspace,
    etherpad,
    roomsOnDemand,
    ...(calls ? { calls: calls.service } : {}),
    workspacePins: workspacePage.pins,
    workspaceSessions: workspacePage,
  });
  const processor = new Processor({
    roomConcurrency: config.appservice.roomConcurrency,
    store,
    commands,
    reactions,
    gateway,
    metrics,
    log: logger("events"),
    ...(config.encryption.enabled
      ? { crypto: { open: async (event, l) => (await cryptoReady).open(event, l) } }
      : {}),
  });
  late.processor = processor;

  addOperationalRoutes(bridge, {
    store,
    etherpad,
    gateway,
    metrics,
    ...(config.encryption.enabled
      ? { crypto: { check: async () => (await cryptoReady).check() } }
      : {}),
  });
  const web: WebServer = await listening(
    "web.port",
    `${config.web.bindAddress}:${config.web.port}`,
    () =>
      startWebServer({
        config,
        store,
        etherpad,
        gateway: homeserver,
        log: logger("web"),
        ...(calls ? { extraRoutes: calls.addWebRoutes } : {}),
        workspacePage,
      }),
  ).catch(async (error: unknown) => {
    await bridge.close();
    await store.close();
    await lock.release();
    throw error;
  });

  const im = config.integrationManager;
  // An IM token ends once its user shares no room with the bot (left them all, deactivated).
  const imTokens = new ImTokens(store.db, { stillHere: (u) => workspacePage.sharesRoom(u) });
  const imServer: WebServer | null = im
    ? await listening("integrationManager.port", `${im.bindAddress}:${im.port}`, () =>
        startImServer({
          config,
          im,
          store,
          gateway,
          actions,
          notices: gateway,
          feeds: feeds.commands,
          tokens: imTokens,
          openid: openIdVerifierFor(config),
          metrics,
          log: logger("im"),
        }),
      ).catch(async (error: unknown) => {
        await web.close();
        await bridge.close();
        await store.close();
        await lock.release();
        throw error;
      })
    : null;

  try {
    await registerBot(intent.matrixClient, config.bot.localpart);
    await intent.matrixClient.setDisplayName(config.bot.displayName);
  } catch (error: unknown) {
    log.warn(
      { err: error },
      "could not set the bot's display name (the homeserver may still be starting)",
    );
  }
  let crypto: BotCrypto | null = null;
  if (config.encryption.enabled) {
    try {
      crypto = await openBotCrypto({
        storePath: config.encryption.storePath,
        passphrase: config.encryption.storePassphrase ?? "",
        botUserId,
        displayName: config.bot.displayName,
        homeserverUrl: config.homeserver.url,
        asToken: registration.as_token,
        limitSeconds: config.encryption.undecryptableNoticeSeconds,
        db: store.db,
        registry: metrics.registry,
        log: logger("crypto"),
        ...(options.resetCrypto ? { resetCrossSigning: true } : {}),
      });
    } catch (error: unknown) {
      cryptoFailed(error);
      await processor.stop();
      await imServer?.close();
      await web.close();
      await bridge.close();
      await store.close();
      await lock.release();
      throw error;
    }
    cryptoOpened(crypto);
    crypto.start({ gateway, kick: () => void processor.kick() });
  }
  // Resume whatever a previous run recorded but did not finish.
  void processor.kick();
  feeds.start();
  calls?.start();
  // Ask the homeserver to ping us (MSC2659): it proves the link both ways, and Synapse then
  // sends the transactions it queued while Atrium was down at once, instead of waiting out its
  // backoff (which grows to minutes).
  const pinging = pingFromHomeserver(intent.matrixClient, registration.id, logger("ping"));
  // Processed inbox rows are kept a week (for inspection), then dropped; the ledger stays.
  // Pad session rows are dropped a day after Etherpad let the session expire.
  const prune = () =>
    Promise.all([
      store.pruneInbox(INBOX_RETENTION_MS),
      imTokens.prune(INBOX_RETENTION_MS),
      store.prunePadSessions(Date.now() - PAD_SESSION_GRACE_MS),
      calls?.prune(),
      workspacePage.prune(),
    ]).catch((error: unknown) => log.warn({ err: error }, "inbox, token or session prune failed"));
  void prune();
  void roomsOnDemand.resume(log);
  const pruneTimer = setInterval(
    () => {
      void prune();
      void roomsOnDemand.resume(log);
    },
    60 * 60 * 1000,
  );
  pruneTimer.unref();
  // Pad-session revocations Etherpad has not confirmed yet, retried until it does (issue 22).
  const revocations = new PadRevocations(store.db);
  registerRevocationGauge(metrics.registry, revocations);
  const revocationRetries = startRevocationRetries(revocations, etherpad, logger("revocations"));

  const appserviceUrl = `http://${config.appservice.bindAddress}:${config.appservice.port}`;
  log.info(
    { appservice: appserviceUrl, web: web.url, im: imServer?.url ?? null },
    "Atrium is running",
  );
  let stopping: Promise<void> | undefined;
  return {
    appserviceUrl,
    webUrl: web.url,
    imUrl: imServer?.url ?? null,
    botUserId,
    deviceId: crypto?.deviceId ?? null,
    store,
    stop: () =>
      (stopping ??= (async () => {
        clearInterval(pruneTimer);
        revocationRetries.stop();
        pinging.cancel();
        await processor.stop();
        await feeds.stop();
        await calls?.stop();
        await crypto?.stop();
        await imServer?.close();
        await web.close();
        await bridge.close();
        await store.close();
        await lock.release();
      })()),
  };
}
