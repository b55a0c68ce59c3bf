/** The well-known documents the proxy serves. */
import type { JitsiAuthMode } from "./appservice-config";

/** `/.well-known/matrix/server`: federation goes to the homeserver host on 443. */
export function renderWellKnownServer(homeserverDomain: string): string {
  return JSON.stringify({ "m.server": `${homeserverDomain}:443` });
}

/** `/.well-known/matrix/client`: the homeserver URL and Element's preferred Jitsi domain. */
export function renderWellKnownClient(o: { homeserverUrl: string; jitsiDomain: string }): string {
  return JSON.stringify({
    "m.homeserver": { base_url: o.homeserverUrl },
    "im.vector.riot.jitsi": { preferredDomain: o.jitsiDomain },
  });
}

/**
 * `/.well-known/element/jitsi` on the Jitsi domain: Element turns on its `openidtoken-jwt`
 * flow only when this says so, which is what prosody's `AUTH_TYPE=matrix` expects.
 */
export function renderJitsiWellKnown(auth: JitsiAuthMode): string {
  return JSON.stringify(auth === "matrix" ? { auth: "openidtoken-jwt" } : {});
}
