/** The appservice registration Synapse loads (`app_service_config_files`). */
import { randomBytes } from "node:crypto";
import type { AtriumConfig } from "./config/schema";
import { callsRegistrationKeys } from "./doors/calls/registration";

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * The localpart of the appservice's technical user (`sender_localpart`): `<bot>_appservice`.
 * It never joins a room nor speaks; the bot (`bot.localpart`) is a namespaced user the
 * appservice acts as (`?user_id=`), because Synapse refuses `/sync` for the sender user and the
 * bot's device needs `/sync` for its to-device keys (E2EE.md).
 */
export function technicalLocalpart(botLocalpart: string): string {
  return `${botLocalpart}_appservice`;
}

/**
 * A registration with fresh random tokens and exclusive namespaces for the bot, its users and
 * the on-demand alias prefixes of `config`. `io.element.msc4190` lets the appservice create the
 * bot's device itself (`PUT /devices/{id}`) and refuses logins as its users.
 */
export function buildRegistration(
  config: AtriumConfig,
  url: string,
  id = "atrium",
): RegistrationLike {
  const domain = escapeRegex(config.homeserver.domain);
  const bot = escapeRegex(config.bot.localpart);
  return {
    id,
    url,
    as_token: randomBytes(32).toString("hex"),
    hs_token: randomBytes(32).toString("hex"),
    sender_localpart: technicalLocalpart(config.bot.localpart),
    rate_limited: false,
    // MatrixRTC calls: Synapse forwards get_token here (MSC4512), is_joined scope (MSC4502).
    ...callsRegistrationKeys(config.calls, url),
    "io.element.msc4190": true,
    namespaces: {
      users: [
        { exclusive: true, regex: `@${bot}:${domain}` },
        { exclusive: true, regex: `@${bot}_.*:${domain}` },
      ],
      aliases: [
        { exclusive: true, regex: `#${escapeRegex(config.aliases.padPrefix)}.*:${domain}` },
        { exclusive: true, regex: `#${escapeRegex(config.aliases.meetPrefix)}.*:${domain}` },
      ],
      rooms: [],
    },
  };
}

export interface RegistrationLike {
  id: string;
  url?: string | null;
  as_token: string;
  hs_token: string;
  sender_localpart: string;
  namespaces?: unknown;
  [key: string]: unknown;
}

/** A problem an operator fixes (config, registration): shown as plain lines, no stack. */
export class StartupError extends Error {
  override name = "StartupError";
}

/** Refuses registrations without tokens before anything starts. */
export function checkRegistration(reg: RegistrationLike): void {
  const missing = (["id", "as_token", "hs_token", "sender_localpart"] as const).filter(
    (k) => typeof reg[k] !== "string" || (reg[k] as string).length === 0,
  );
  if (missing.length) throw incompleteRegistrationError(missing);
}

/**
 * Refuses a registration written before the bot had a device of its own (its
 * `sender_localpart` is the bot, or its namespace does not hold the bot): the bot could not
 * read its keys. (`io.element.msc4190` is Synapse's to read; a file without it is named when
 * the device cannot be created.) Regenerating the file (and giving it to Synapse) keeps the same bot user in
 * every room.
 */
export function checkBotIdentity(
  reg: RegistrationLike,
  botLocalpart: string,
  domain: string,
): void {
  const botUserId = `@${botLocalpart}:${domain}`;
  const users = (reg.namespaces as { users?: Array<{ regex?: unknown }> } | undefined)?.users ?? [];
  const covered = users.some(
    (n) => typeof n.regex === "string" && new RegExp(`^(?:${n.regex})$`).test(botUserId),
  );
  const problems = [
    reg.sender_localpart === botLocalpart
      ? `its sender_localpart is the bot (${botLocalpart}); it must be ${technicalLocalpart(botLocalpart)}`
      : null,
    covered ? null : `its user namespace does not hold the bot ${botUserId}`,
  ].filter((p): p is string => p !== null);
  if (problems.length === 0) return;
  throw new StartupError(
    `The registration file is from before encrypted rooms (${problems.join("; ")}). ` +
      "Generate it again with `atrium-appservice -r -u <url> -c config.yaml -f registration.yaml`, " +
      "give the new file to Synapse and restart Synapse, then Atrium: the bot stays the same user in every room " +
      "(or set encryption.enabled: false to keep the old file).",
  );
}

/** The refusal for a registration file that lacks `fields`. */
export function incompleteRegistrationError(fields: readonly string[]): StartupError {
  return new StartupError(
    `The registration file lacks ${fields.join(", ")}. Generate one with ` +
      "`atrium-appservice -r -u <url> -c config.yaml -f registration.yaml` and give the same file to Synapse.",
  );
}
