/** The well-known documents the proxy serves. */
import type { JitsiAuthMode } from "./appservice-config";

/** `/.well-known/matrix/server`: federation goes to the homeserver host on 443. */
export function renderWellKnownServer(homeserverDomain: string): string {
  return JSON.stringify({ "m.server": `${homeserverDomain}:443` });
}

/**
 * `/.well-known/matrix/client`: the homeserver URL, Element's preferred Jitsi domain and, when
 * given, the integration manager (`m.integrations`, MSC1957), which clients that read
 * well-known (Element Desktop and Web pointed at another config) then offer, and the MatrixRTC
 * focus (`org.matrix.msc4143.rtc_foci`, MSC4143): clients that do not yet ask their homeserver
 * for `rtc/transports` find Atrium's authorisation service here and POST `<url>/sfu/get`.
 */
export function renderWellKnownClient(o: {
  homeserverUrl: string;
  jitsiDomain: string;
  integrationManagerUrl?: string;
  /** Atrium's legacy `livekit_service_url` (`https://pad.example.org/atrium/rtc`), when calls are on. */
  livekitServiceUrl?: string;
}): string {
  return JSON.stringify({
    "m.homeserver": { base_url: o.homeserverUrl },
    "im.vector.riot.jitsi": { preferredDomain: o.jitsiDomain },
    ...(o.livekitServiceUrl === undefined
      ? {}
      : {
          "org.matrix.msc4143.rtc_foci": [
            { type: "livekit", livekit_service_url: o.livekitServiceUrl },
          ],
        }),
    ...(o.integrationManagerUrl === undefined
      ? {}
      : {
          "m.integrations": {
            managers: [
              {
                api_url: `${o.integrationManagerUrl}/api`,
                ui_url: `${o.integrationManagerUrl}/element`,
              },
            ],
          },
        }),
  });
}

/**
 * `/.well-known/element/jitsi` on the Jitsi domain: Element turns on its `openidtoken-jwt`
 * flow only when this says so, which is what prosody's `AUTH_TYPE=matrix` expects.
 */
export function renderJitsiWellKnown(auth: JitsiAuthMode): string {
  return JSON.stringify(auth === "matrix" ? { auth: "openidtoken-jwt" } : {});
}
