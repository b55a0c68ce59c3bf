/**
 * What the appservice registration carries for calls, read from Synapse 1.163.2's own parser
 * (`synapse/config/appservice.py`, `synapse/appservice/__init__.py`):
 *
 * - `io.element.msc4512.proxy_prefix: rtc/livekit` and `io.element.msc4512.proxy_url` (Synapse
 *   refuses one without the other; `rtc/livekit` is the only prefix it allows). With
 *   `experimental_features.msc4512_enabled`, Synapse forwards `/_matrix/client/*\/rtc/livekit/*`
 *   to `proxy_url` + the same path. Atrium's `proxy_url` is its appservice listener (`url`).
 * - `io.element.msc4502.scopes: [urn:matrix:client:io.element.msc4502:rooms:is_joined]`: lets
 *   Atrium ask whether a user is joined to a room its bot is not in (with `msc4502_enabled`).
 *
 * The unprefixed `proxy_prefix`/`proxy_url` of MSC4512's text are NOT read by Synapse 1.163.2.
 */
import type { Logger } from "pino";
import type { CallsConfig } from "./config";

export const PROXY_PREFIX_KEY = "io.element.msc4512.proxy_prefix";
export const PROXY_URL_KEY = "io.element.msc4512.proxy_url";
export const SCOPES_KEY = "io.element.msc4502.scopes";
export const RTC_PROXY_PREFIX = "rtc/livekit";
export const IS_JOINED_SCOPE = "urn:matrix:client:io.element.msc4502:rooms:is_joined";

/** The registration keys for `calls` (none when calls are off). */
export function callsRegistrationKeys(
  calls: Pick<CallsConfig, "enabled">,
  appserviceUrl: string,
): Record<string, unknown> {
  if (!calls.enabled) return {};
  return {
    [PROXY_PREFIX_KEY]: RTC_PROXY_PREFIX,
    [PROXY_URL_KEY]: appserviceUrl,
    [SCOPES_KEY]: [IS_JOINED_SCOPE],
  };
}

/** What a registration lacks for calls through the homeserver; empty when nothing. */
export function callsRegistrationProblems(
  calls: Pick<CallsConfig, "enabled">,
  reg: Record<string, unknown>,
): string[] {
  if (!calls.enabled) return [];
  const problems: string[] = [];
  if (reg[PROXY_PREFIX_KEY] !== RTC_PROXY_PREFIX)
    problems.push(`${PROXY_PREFIX_KEY}: ${RTC_PROXY_PREFIX}`);
  if (typeof reg[PROXY_URL_KEY] !== "string")
    problems.push(`${PROXY_URL_KEY}: <the appservice url>`);
  const scopes = reg[SCOPES_KEY];
  if (!Array.isArray(scopes) || !scopes.includes(IS_JOINED_SCOPE)) {
    problems.push(`${SCOPES_KEY}: [${IS_JOINED_SCOPE}]`);
  }
  return problems;
}

/**
 * Says once at start when calls are on but the registration lacks their keys: Atrium still
 * runs (Jitsi, the legacy token door), but clients asking the homeserver for a call token get
 * no answer until the registration is regenerated.
 */
export function warnOfMissingCallKeys(
  calls: Pick<CallsConfig, "enabled">,
  reg: Record<string, unknown>,
  log: Pick<Logger, "warn">,
): void {
  const missing = callsRegistrationProblems(calls, reg);
  if (!missing.length) return;
  log.warn(
    { missing },
    "calls are on but the registration lacks the MSC4512 keys: clients that ask the homeserver for a call token get no answer; regenerate the registration (atrium-appservice -r) and give it to Synapse",
  );
}
