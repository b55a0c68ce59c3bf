/**
 * What `atrium:calls` means for every part of the stack (both targets): whether the MatrixRTC
 * pieces are deployed, and the URLs clients and services use to reach them. Pure.
 */
import type { StackSettings } from "./config-schema";
import { HOSTS, PORTS } from "./components/names";
import { renderWellKnownClient } from "./render/well-known";

/** The LiveKit API key name (not secret; its secret is `atrium:livekitApiSecret`). */
export const LIVEKIT_API_KEY = "atrium";

/** The appservice's public path prefix for calls (legacy `sfu/get` and the SFU webhook). */
export const RTC_PATH = "/atrium/rtc";

/** Whether the stack runs the SFU and Atrium's authorisation service (any mode but `jitsi`). */
export function matrixRtcEnabled(c: Pick<StackSettings, "calls">): boolean {
  return c.calls !== "jitsi";
}

/** The URLs of the MatrixRTC pieces, as each party reaches them. */
export interface MatrixRtcUrls {
  /** The SFU's websocket as clients reach it (the `url` of every token answer). */
  readonly sfuUrl: string;
  /**
   * The legacy authorisation service base (`rtc_foci` `livekit_service_url`): clients POST
   * `<it>/sfu/get`. On the pad pages' origin, where the appservice serves `/atrium/rtc/*`.
   */
  readonly livekitServiceUrl: string;
  /** The SFU's HTTP API (RoomService) as the appservice reaches it on the private network. */
  readonly sfuApiUrl: string;
  /** Where the SFU posts its webhooks: the appservice's web listener, private network. */
  readonly webhookUrl: string;
}

/** The MatrixRTC URLs for a stack (same names on Docker and Kubernetes: containers = Services). */
export function matrixRtcUrls(c: Pick<StackSettings, "sfuDomain" | "padDomain">): MatrixRtcUrls {
  return {
    sfuUrl: `wss://${c.sfuDomain}`,
    livekitServiceUrl: `https://${c.padDomain}${RTC_PATH}`,
    sfuApiUrl: `http://${HOSTS.livekit}:${PORTS.livekit}`,
    webhookUrl: `http://${HOSTS.appservice}:${PORTS.appserviceWeb}${RTC_PATH}/webhook`,
  };
}

/**
 * The stack's `/.well-known/matrix/client` (both targets: Caddy on Docker, the router on
 * Kubernetes): the homeserver, Jitsi, the integration manager and, with MatrixRTC, the focus.
 */
export function stackWellKnownClient(
  c: Pick<StackSettings, "homeserverDomain" | "jitsiDomain" | "imDomain" | "calls"> &
    Pick<StackSettings, "sfuDomain" | "padDomain">,
): string {
  return renderWellKnownClient({
    homeserverUrl: `https://${c.homeserverDomain}`,
    jitsiDomain: c.jitsiDomain,
    integrationManagerUrl: `https://${c.imDomain}`,
    ...(matrixRtcEnabled(c) ? { livekitServiceUrl: matrixRtcUrls(c).livekitServiceUrl } : {}),
  });
}
