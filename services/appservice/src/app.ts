/**
 * Boots Atrium in-process: store, Etherpad client, bridge (with the durable transaction
 * endpoint), processors and the public web listener. `start()` is what the CLI and the tests
 * call; it returns a handle whose `stop()` closes everything and flushes the store.
 */
import "./crypto-optional";
import { Logger as BridgeLogger } from "matrix-appservice-bridge";
import { createEtherpadClient } from "@atrium/etherpad";
import type { AtriumConfig } from "./config/schema";
import { Store } from "./store/store";
import { BotSdkGateway } from "./matrix/gateway";
import { observeRecorded, StateCachingGateway } from "./matrix/state-cache";
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
import { startWebServer } from "./doors/pages/server";
import { openIdVerifierFor } from "./doors/pages/routes";
import { startImServer } from "./doors/im/server";
import { ImTokens } from "./store/im-tokens";
import {
  StartupError,
  checkBotIdentity,
  checkRegistration,
  type RegistrationLike,
} from "./registration";
import { registerBot } from "./matrix/bot-user";
import type { BotCrypto } from "./matrix/crypto";
import { acquireInstanceLock, InstanceLockedError } from "./store/instance-lock";
import { pingFromHomeserver } from "./matrix/ping";
import { createFeeds } from "./workspace/feeds";
import { recentlySentVia } from "./workspace/feeds/room-history";
import { botPorts, createWorkspacePage } from "./doors/pages/room";
import { createCalls } from "./doors/calls";
import { warnOfMissingCallKeys } from "./doors/calls/registration";
import { Closers } from "./boot/closers";
import { lateCrypto } from "./boot/crypto";
import { listening } from "./boot/listening";
import { listenBridge } from "./boot/bridge";
import { startHousekeeping } from "./boot/housekeeping";
import type { AtriumHandle, StartOptions } from "./boot/handle";

export type { AtriumHandle, StartOptions } from "./boot/handle";

export {
  StartupError,
  checkRegistration,
  incompleteRegistrationError,
  type RegistrationLike,
} from "./registration";

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
  const opened = new Closers();
  const lock = await acquireInstanceLock(config.database).catch((error: unknown) => {
    throw error instanceof InstanceLockedError ? new StartupError(error.message) : error;
  });
  opened.add(() => lock.release());
  const store = await opened.guard(() => Store.open(config.database));
  opened.add(() => store.close());
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
  const bridge = await listenBridge(config, registration, store, metrics, {
    recorded: (events) => {
      // Stream order: the cache hears state when it is recorded, not when its lane runs.
      if (late.gateway) observeRecorded(late.gateway, events);
      void late.processor?.kick();
    },
    aliasQuery: async (alias, localpart) =>
      (await late.roomsOnDemand?.onAliasQuery(alias, localpart)) ?? null,
  });
  opened.add(() => bridge.close());

  const intent = bridge.getIntent(botUserId);
  // Membership checks of the public pages (pads, calls, /verify) ask the homeserver every
  // time; commands, reactions and the integration manager read the cached room state.
  const homeserver = new BotSdkGateway(intent.matrixClient, botUserId);
  const gateway = new StateCachingGateway(homeserver, { requests: metrics.homeserverRequests });
  const cryptoLate = lateCrypto(config, registration, {
    homeserver,
    store,
    registry: metrics.registry,
    resetCrypto: options.resetCrypto === true,
  });
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
    ...botPorts(gateway, homeserver, intent.matrixClient),
    log: logger("workspace-page"),
  });
  const feeds = createFeeds({
    config: config.feeds,
    db: store.db,
    gateway,
    recentlySent: recentlySentVia(
      (method, path, qs) => intent.matrixClient.doRequest(method, path, qs),
      botUserId,
      config.encryption.enabled ? async (e) => (await cryptoLate.ready).readOwn(e) : undefined,
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
  warnOfMissingCallKeys(config.calls, registration, log);
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
  let crypto: BotCrypto | null = null;
  // The crypto stops after the processor (which may be decrypting), before the bridge.
  opened.add(() => crypto?.stop());
  const processor = new Processor({
    roomConcurrency: config.appservice.roomConcurrency,
    store,
    commands,
    reactions,
    gateway,
    metrics,
    log: logger("events"),
    ...(config.encryption.enabled
      ? { crypto: { open: async (event, l) => (await cryptoLate.ready).open(event, l) } }
      : {}),
  });
  late.processor = processor;
  opened.add(() => processor.stop());

  addOperationalRoutes(bridge, {
    store,
    etherpad,
    gateway,
    metrics,
    ...(config.encryption.enabled
      ? { crypto: { check: async () => (await cryptoLate.ready).check() } }
      : {}),
  });
  const web = await opened.guard(() =>
    listening("web.port", `${config.web.bindAddress}:${config.web.port}`, () =>
      startWebServer({
        config,
        store,
        etherpad,
        gateway: homeserver,
        log: logger("web"),
        ...(calls ? { extraRoutes: calls.addWebRoutes } : {}),
        workspacePage,
      }),
    ),
  );
  opened.add(() => web.close());

  const im = config.integrationManager;
  // An IM token ends once its user shares no room with the bot (left them all, deactivated).
  const imTokens = new ImTokens(store.db, { stillHere: (u) => workspacePage.sharesRoom(u) });
  const imServer = im
    ? await opened.guard(() =>
        listening("integrationManager.port", `${im.bindAddress}:${im.port}`, () =>
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
        ),
      )
    : null;
  if (imServer) opened.add(() => imServer.close());

  try {
    await registerBot(intent.matrixClient, config.bot.localpart);
    await intent.matrixClient.setDisplayName(config.bot.displayName);
  } catch (error: unknown) {
    log.warn(
      { err: error },
      "could not set the bot's display name (the homeserver may still be starting)",
    );
  }
  if (config.encryption.enabled) {
    crypto = await opened.guard(() => cryptoLate.open());
    crypto.start({ gateway, kick: () => void processor.kick() });
  }
  // Resume whatever a previous run recorded but did not finish.
  void processor.kick();
  feeds.start();
  opened.add(() => feeds.stop());
  calls?.start();
  opened.add(() => calls?.stop());
  // Ask the homeserver to ping us (MSC2659): it proves the link both ways, and Synapse then
  // sends the transactions it queued while Atrium was down at once, instead of waiting out its
  // backoff (which grows to minutes).
  const pinging = pingFromHomeserver(intent.matrixClient, registration.id, logger("ping"));
  opened.add(() => pinging.cancel());
  opened.add(
    startHousekeeping({
      store,
      imTokens,
      roomsOnDemand,
      etherpad,
      registry: metrics.registry,
      prunes: [() => calls?.prune(), () => workspacePage.prune()],
      log,
    }),
  );

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
    stop: () => (stopping ??= opened.closeAll()),
  };
}
