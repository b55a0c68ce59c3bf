/** The appservice registration Synapse loads (`app_service_config_files`). */
import { randomBytes } from "node:crypto";
import type { AtriumConfig } from "./config/schema";
import type { RegistrationLike } from "./app";

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
