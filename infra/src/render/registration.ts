/** The Atrium appservice registration (read by Synapse and by the appservice). */
import { stringify } from "yaml";

/** Inputs of {@link renderRegistrationYaml}. */
export interface RegistrationOptions {
  /** Homeserver-unique id of the appservice (`atrium`). */
  readonly id: string;
  /** Where Synapse reaches the appservice, e.g. `http://atrium-appservice:9000`. */
  readonly url: string;
  readonly asToken: string;
  readonly hsToken: string;
  /**
   * Localpart of the appservice's hidden technical user (`atrium_appservice`): it never joins a
   * room. Synapse refuses `/sync` for this user, so it must not be the bot.
   */
  readonly senderLocalpart: string;
  /** Localpart of the bot (`atrium`): a namespaced user with a device of its own (MSC4190). */
  readonly botLocalpart: string;
  /** Matrix server name the namespaces are scoped to. */
  readonly domain: string;
  /** Exclusive user localpart prefix (`atrium_`). */
  readonly userPrefix: string;
  /** Exclusive room-alias localpart prefixes (`pad_`, `meet_`). */
  readonly aliasPrefixes: readonly string[];
  /**
   * MatrixRTC calls on (appservice `calls.enabled`): Synapse (`msc4512_enabled`) forwards the
   * clients' `/_matrix/client/*\/rtc/livekit/get_token` to the appservice at `url`, and the
   * appservice may ask `is_joined` (`msc4502_enabled`). Default false.
   */
  readonly calls?: boolean;
}

/**
 * Atrium's own names in the registration: its id, hidden sender, bot and namespace prefixes
 * (the appservice's defaults are the same; its config's alias prefixes follow these).
 */
export const ATRIUM_NAMES = {
  id: "atrium",
  senderLocalpart: "atrium_appservice",
  botLocalpart: "atrium",
  userPrefix: "atrium_",
  aliasPrefixes: ["pad_", "meet_"],
} as const;

/**
 * The registration keys of calls, as Synapse 1.163.2 reads them (`synapse/config/appservice.py`:
 * only the `io.element.`-prefixed names; `proxy_prefix` and `proxy_url` together or Synapse
 * refuses the file). The same keys as the appservice's `calls/registration.ts`.
 */
export function callsRegistrationKeys(url: string): Record<string, unknown> {
  return {
    "io.element.msc4512.proxy_prefix": "rtc/livekit",
    "io.element.msc4512.proxy_url": url,
    "io.element.msc4502.scopes": ["urn:matrix:client:io.element.msc4502:rooms:is_joined"],
  };
}

/** Escapes a literal for use inside a regular expression. */
export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * Renders registration.yaml with exclusive namespaces for the bot, Atrium's users and aliases;
 * `io.element.msc4190` lets the appservice create the bot's device (`PUT /devices/{id}`) and
 * refuses logins as its users (the same file the appservice's `buildRegistration` writes).
 */
export function renderRegistrationYaml(o: RegistrationOptions): string {
  const domain = escapeRegex(o.domain);
  return stringify({
    id: o.id,
    url: o.url,
    as_token: o.asToken,
    hs_token: o.hsToken,
    sender_localpart: o.senderLocalpart,
    rate_limited: false,
    ...(o.calls ? callsRegistrationKeys(o.url) : {}),
    "io.element.msc4190": true,
    receive_ephemeral: true,
    "de.sorunome.msc2409.push_ephemeral": true,
    namespaces: {
      users: [
        { exclusive: true, regex: `@${escapeRegex(o.botLocalpart)}:${domain}` },
        { exclusive: true, regex: `@${escapeRegex(o.userPrefix)}.*:${domain}` },
      ],
      aliases: o.aliasPrefixes.map((p) => ({
        exclusive: true,
        regex: `#${escapeRegex(p)}.*:${domain}`,
      })),
      rooms: [],
    },
  });
}
