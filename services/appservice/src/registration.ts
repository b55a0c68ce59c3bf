/** The appservice registration Synapse loads (`app_service_config_files`). */
import { randomBytes } from "node:crypto";
import type { AtriumConfig } from "./config/schema";
import { callsRegistrationKeys } from "./calls/registration";

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * A registration with fresh random tokens and exclusive namespaces for the bot's users and the
 * on-demand alias prefixes of `config`.
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
    sender_localpart: config.bot.localpart,
    rate_limited: false,
    // MatrixRTC calls: Synapse forwards get_token here (MSC4512), is_joined scope (MSC4502).
    ...callsRegistrationKeys(config.calls, url),
    namespaces: {
      users: [{ exclusive: true, regex: `@${bot}_.*:${domain}` }],
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

/** The refusal for a registration file that lacks `fields`. */
export function incompleteRegistrationError(fields: readonly string[]): StartupError {
  return new StartupError(
    `The registration file lacks ${fields.join(", ")}. Generate one with ` +
      "`atrium-appservice -r -u <url> -c config.yaml -f registration.yaml` and give the same file to Synapse.",
  );
}
