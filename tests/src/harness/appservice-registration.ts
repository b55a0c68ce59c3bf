/** The appservice registration file Synapse loads (`app_service_config_files`). */
import { randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import * as path from "node:path";
import { stringify } from "yaml";

/** What an appservice registration says; namespaces are exclusive prefixes. */
export interface RegistrationInput {
  /** Unique per homeserver; also the file name. */
  id: string;
  /** Where Synapse sends transactions, e.g. `http://127.0.0.1:9000`. */
  url: string;
  asToken: string;
  hsToken: string;
  /** Localpart of the appservice's technical user (`@<senderLocalpart>:<server>`). */
  senderLocalpart: string;
  /**
   * A bot the appservice acts as, with a device of its own (Atrium's registration: the bot is
   * a namespaced user, not the sender, and `io.element.msc4190` is on). Absent: the sender is
   * the bot, as in a plain appservice.
   */
  botLocalpart?: string;
  /** Localpart prefix of the users the appservice owns, e.g. `_atrium_`. */
  userPrefix: string;
  /** Localpart prefixes of the aliases the appservice owns, e.g. `["meet_", "pad_"]`. */
  aliasPrefixes: string[];
  /** When set, the regexes only match this server's users and aliases. */
  serverName?: string;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The registration as a YAML string (exported so tests can read it without a file). */
export function renderRegistration(input: RegistrationInput): string {
  for (const key of ["id", "url", "asToken", "hsToken", "senderLocalpart", "userPrefix"] as const) {
    if (!input[key]) throw new Error(`appservice registration: ${key} is empty; give it a value`);
  }
  if (input.asToken === input.hsToken) {
    throw new Error(
      "appservice registration: asToken and hsToken must differ; generate two tokens",
    );
  }
  const server = input.serverName ? `:${escapeRegex(input.serverName)}` : ":.*";
  return stringify({
    id: input.id,
    url: input.url,
    as_token: input.asToken,
    hs_token: input.hsToken,
    sender_localpart: input.senderLocalpart,
    rate_limited: false,
    ...(input.botLocalpart ? { "io.element.msc4190": true } : {}),
    namespaces: {
      users: [
        ...(input.botLocalpart
          ? [{ exclusive: true, regex: `@${escapeRegex(input.botLocalpart)}${server}` }]
          : []),
        { exclusive: true, regex: `@${escapeRegex(input.userPrefix)}.*${server}` },
      ],
      aliases: input.aliasPrefixes.map((prefix) => ({
        exclusive: true,
        regex: `#${escapeRegex(prefix)}.*${server}`,
      })),
      rooms: [],
    },
  });
}

/**
 * Writes `<dir>/<id>.registration.yaml` and returns its absolute path, ready for
 * `startSynapse({ appserviceRegistrations: [path] })`.
 */
export async function writeRegistration(dir: string, input: RegistrationInput): Promise<string> {
  const file = path.resolve(dir, `${input.id}.registration.yaml`);
  await fs.mkdir(dir, { recursive: true });
  await fs.writeFile(file, renderRegistration(input), { mode: 0o600 });
  return file;
}

/** A random token for as_token / hs_token. */
export function randomToken(): string {
  return randomBytes(24).toString("hex");
}
