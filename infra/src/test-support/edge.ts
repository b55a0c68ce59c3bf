/** What the edge tests render (Caddy on Docker, the router on Kubernetes): a stack on example.org. */
import type { CaddyfileOptions } from "../render/caddyfile";
import type { RouterOptions } from "../render/haproxy";
import {
  renderJitsiWellKnown,
  renderWellKnownClient,
  renderWellKnownServer,
} from "../render/well-known";

/** Every site, Element, the IM and the SFU included, reaching `upstreams`. */
export function caddyOptions(upstreams: CaddyfileOptions["upstreams"]): CaddyfileOptions {
  return {
    acmeEmail: "admin@example.org",
    domain: "example.org",
    homeserverDomain: "matrix.example.org",
    jitsiDomain: "meet.example.org",
    padDomain: "pad.example.org",
    imDomain: "im.example.org",
    elementDomain: "element.example.org",
    sfuDomain: "sfu.example.org",
    upstreams,
    wellKnown: {
      server: renderWellKnownServer("matrix.example.org"),
      client: renderWellKnownClient({
        homeserverUrl: "https://matrix.example.org",
        jitsiDomain: "meet.example.org",
        integrationManagerUrl: "https://im.example.org",
        livekitServiceUrl: "https://pad.example.org/atrium/rtc",
      }),
      jitsi: renderJitsiWellKnown("matrix"),
    },
  };
}

/** The upstreams as container names on the Docker target's networks. */
export const CONTAINER_UPSTREAMS = {
  synapse: "synapse:8008",
  jitsiWeb: "jitsi-web:8000",
  etherpad: "etherpad:9001",
  appserviceWeb: "atrium-appservice:9001",
  appserviceIm: "atrium-appservice:9002",
  elementWeb: "element-web:80",
  livekit: "atrium-livekit:7880",
} as const;

/** The router's host names for that stack. */
export const ROUTER_HOSTS: RouterOptions["hosts"] = {
  domain: "example.org",
  homeserverDomain: "matrix.example.org",
  padDomain: "pad.example.org",
  jitsiDomain: "meet.example.org",
};
