#!/usr/bin/env node
/**
 * `atrium-appservice -c config.yaml -f registration.yaml` runs Atrium;
 * `atrium-appservice -r -u http://atrium:9000 -c config.yaml -f registration.yaml` writes the
 * registration (matrix-appservice-bridge's Cli conventions).
 */
import "./crypto-optional";
import { AppServiceRegistration, Cli } from "matrix-appservice-bridge";
import { ConfigError, parseConfig } from "./config/load";
import { start } from "./app";
import {
  buildRegistration,
  StartupError,
  incompleteRegistrationError,
  type RegistrationLike,
} from "./registration";
import { logger } from "./util/log";
import type { AtriumConfig } from "./config/schema";
import { resetCryptoStore, resetReport } from "./matrix/crypto/reset";

const log = logger("main");

function fail(error: unknown): never {
  if (error instanceof ConfigError || error instanceof StartupError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    log.fatal({ err: error }, "Atrium stopped");
  }
  process.exit(1);
}

process.on("unhandledRejection", (reason) => fail(reason));

/**
 * `--reset-crypto`: moves the crypto store aside, makes a new device and new cross-signing
 * keys, prints what people will see, and exits (start Atrium as usual afterwards). Taken out
 * of argv before the bridge's Cli reads it.
 */
const resetIndex = process.argv.indexOf("--reset-crypto");
const resetCrypto = resetIndex >= 0;
if (resetCrypto) process.argv.splice(resetIndex, 1);

async function reset(config: AtriumConfig, reg: RegistrationLike): Promise<void> {
  if (!config.encryption.enabled) {
    throw new StartupError(
      "--reset-crypto: encryption.enabled is false; there is nothing to reset.",
    );
  }
  const botUserId = `@${config.bot.localpart}:${config.homeserver.domain}`;
  const result = await resetCryptoStore({
    storePath: config.encryption.storePath,
    botUserId,
    homeserverUrl: config.homeserver.url,
    asToken: reg.as_token,
    log: logger("crypto"),
  });
  const handle = await start(config, reg, { resetCrypto: true });
  await handle.stop();
  process.stdout.write(`${resetReport(result, botUserId, handle.deviceId ?? "?")}\n`);
  process.exit(0);
}

/** matrix-appservice names missing fields in camelCase (asToken); say it as the file does. */
function incompleteRegistration(error: unknown): Error {
  const fields = /Missing required field\(s\): (.*)/.exec(String((error as Error)?.message))?.[1];
  if (!fields) return error as Error;
  const names = fields
    .split(",")
    .map((f) => f.trim().replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`));
  return incompleteRegistrationError(names);
}

new Cli<Record<string, unknown>>({
  registrationPath: "registration.yaml",
  enableRegistration: true,
  enableLocalpart: false,
  bridgeConfig: { schema: { type: "object" }, defaults: {}, affectsRegistration: true },
  generateRegistration(this: { bridgeConfig?: unknown }, _reg, callback) {
    try {
      const config = parseConfig(this.bridgeConfig, "config");
      const url = _reg.getAppServiceUrl() ?? "";
      const full = buildRegistration(config, url);
      const reg = AppServiceRegistration.fromObject(full as never);
      // matrix-appservice writes only the keys it knows; keep Synapse's (io.element.msc4190).
      reg.getOutput = () => full as never;
      callback(reg);
    } catch (error: unknown) {
      fail(error);
    }
  },
  run(port, rawConfig, registration) {
    (async () => {
      const config = parseConfig(rawConfig, "config");
      const effective = port ? { ...config, appservice: { ...config.appservice, port } } : config;
      if (!registration) throw new StartupError("No registration file; pass -f registration.yaml.");
      let reg: RegistrationLike;
      try {
        reg = registration.getOutput() as RegistrationLike;
      } catch (error: unknown) {
        throw incompleteRegistration(error);
      }
      if (resetCrypto) return reset(effective, reg);
      const handle = await start(effective, reg);
      for (const signal of ["SIGTERM", "SIGINT"] as const) {
        process.once(signal, () => {
          log.info({ signal }, "stopping");
          handle.stop().then(
            () => process.exit(0),
            (error: unknown) => fail(error),
          );
        });
      }
    })().catch(fail);
  },
}).run();
