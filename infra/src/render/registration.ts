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
  /** Localpart of the bot user (`atrium`). */
  readonly senderLocalpart: string;
  /** Matrix server name the namespaces are scoped to. */
  readonly domain: string;
  /** Exclusive user localpart prefix (`atrium_`). */
  readonly userPrefix: string;
  /** Exclusive room-alias localpart prefixes (`pad_`, `meet_`). */
  readonly aliasPrefixes: readonly string[];
}

/** Escapes a literal for use inside a regular expression. */
export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Renders registration.yaml with exclusive namespaces for Atrium's users and aliases. */
export function renderRegistrationYaml(o: RegistrationOptions): string {
  const domain = escapeRegex(o.domain);
  return stringify({
    id: o.id,
    url: o.url,
    as_token: o.asToken,
    hs_token: o.hsToken,
    sender_localpart: o.senderLocalpart,
    rate_limited: false,
    receive_ephemeral: true,
    "de.sorunome.msc2409.push_ephemeral": true,
    namespaces: {
      users: [{ exclusive: true, regex: `@${escapeRegex(o.userPrefix)}.*:${domain}` }],
      aliases: o.aliasPrefixes.map((p) => ({
        exclusive: true,
        regex: `#${escapeRegex(p)}.*:${domain}`,
      })),
      rooms: [],
    },
  });
}
