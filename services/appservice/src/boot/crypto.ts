/**
 * The bot's crypto in a running Atrium. Encryption on: nothing is sent into an encrypted room
 * before the crypto is open (a message waits for it), and encrypted events wait for it in their
 * room's lane. It opens after the listeners are up, so /ready can say why it has not yet.
 */
import type { Registry } from "prom-client";
import type { AtriumConfig } from "../config/schema";
import type { RegistrationLike } from "../registration";
import type { Store } from "../store/store";
import type { BotSdkGateway } from "../matrix/gateway";
import { openBotCrypto, type BotCrypto } from "../matrix/crypto";
import { logger } from "../util/log";

export interface LateCrypto {
  /** Resolves once the crypto is open (rejects if it cannot open). */
  ready: Promise<BotCrypto>;
  /** Opens it (encryption on only). */
  open(): Promise<BotCrypto>;
}

/** Routes the bot's sends through the crypto that opens later; see the module comment. */
export function lateCrypto(
  config: AtriumConfig,
  registration: RegistrationLike,
  deps: { homeserver: BotSdkGateway; store: Store; registry: Registry; resetCrypto: boolean },
): LateCrypto {
  const ready = Promise.withResolvers<BotCrypto>();
  // Nobody may be waiting when it fails (encryption off, or a start that fails first).
  ready.promise.catch(() => undefined);
  if (config.encryption.enabled) {
    deps.homeserver.useEncryption({
      encryptFor: async (roomId, type, content) =>
        (await ready.promise).encryptFor(roomId, type, content),
    });
  }
  return {
    ready: ready.promise,
    open: async () => {
      try {
        const crypto = await openBotCrypto({
          storePath: config.encryption.storePath,
          passphrase: config.encryption.storePassphrase ?? "",
          botUserId: deps.homeserver.botUserId,
          displayName: config.bot.displayName,
          homeserverUrl: config.homeserver.url,
          asToken: registration.as_token,
          limitSeconds: config.encryption.undecryptableNoticeSeconds,
          db: deps.store.db,
          registry: deps.registry,
          log: logger("crypto"),
          ...(deps.resetCrypto ? { resetCrossSigning: true } : {}),
        });
        ready.resolve(crypto);
        return crypto;
      } catch (error: unknown) {
        ready.reject(error);
        throw error;
      }
    },
  };
}
