/**
 * End-to-end encryption is an optional extra of Atrium.
 *
 * matrix-appservice-bridge loads the bot-sdk, which `require`s the native
 * `@matrix-org/matrix-sdk-crypto-nodejs` at import time even when encryption is off. That
 * package downloads its binary from GitHub in a postinstall step, which fails on machines
 * that only reach the package registries, and then every `require` of the bridge throws.
 *
 * This module must be imported before the bridge. If the real binding loads, it is used
 * unchanged. If it does not, the bridge gets a stand-in whose every property access throws
 * an error that says so; nothing of it is reached while the bridge's encryption stays off
 * (the bot-sdk only touches it inside its crypto client), which is how Atrium runs.
 */
import Module from "node:module";

export const CRYPTO_PACKAGE = "@matrix-org/matrix-sdk-crypto-nodejs";

/** Why the native binding did not load, or null when it did (or was never asked for). */
export let cryptoLoadError: string | null = null;

interface ModuleWithLoad {
  _load(request: string, parent: unknown, isMain: boolean): unknown;
}

const moduleInternals = Module as unknown as ModuleWithLoad;
const originalLoad = moduleInternals._load;

/** The stand-in: every property access throws an error that says why it is missing. */
export function unavailable(reason: string): unknown {
  const message =
    `End-to-end encryption is not available: ${CRYPTO_PACKAGE} did not load (${reason}). ` +
    "Atrium does not decrypt messages: in encrypted rooms it tells people to use its " +
    "integration manager, which works there (see the README, 'Encryption').";
  return new Proxy(
    {},
    {
      get(_target, property) {
        // Let module-interop helpers probe the object without tripping the error.
        if (property === "__esModule" || property === "then" || typeof property === "symbol") {
          return undefined;
        }
        throw new Error(message);
      },
    },
  );
}

let stand_in: unknown;

moduleInternals._load = function load(request: string, parent: unknown, isMain: boolean) {
  if (request !== CRYPTO_PACKAGE) return originalLoad.call(this, request, parent, isMain);
  if (stand_in !== undefined) return stand_in;
  try {
    return originalLoad.call(this, request, parent, isMain);
  } catch (error: unknown) {
    cryptoLoadError = error instanceof Error ? (error.message.split("\n")[0] ?? "") : String(error);
    stand_in = unavailable(cryptoLoadError);
    return stand_in;
  }
};
