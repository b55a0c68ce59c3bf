/**
 * Jitsi Meet (web, prosody, jicofo, jvb) from docker-jitsi-meet's images, as both targets run
 * it: the env each part reads (XMPP names, auth mode, TURN, web behind a proxy, the internal
 * passwords). Each target adds only where prosody is and its own ports.
 */
import * as pulumi from "@pulumi/pulumi";
import { HOSTS, JITSI_JWT_APP_ID, PORTS } from "../components/names";
import type { Secrets } from "../components/secrets";
import type { StackSettings } from "../config";

/** docker-jitsi-meet's internal XMPP names (env.example defaults). */
export const XMPP = {
  XMPP_DOMAIN: "meet.jitsi",
  XMPP_AUTH_DOMAIN: "auth.meet.jitsi",
  XMPP_MUC_DOMAIN: "muc.meet.jitsi",
  XMPP_INTERNAL_MUC_DOMAIN: "internal-muc.meet.jitsi",
  XMPP_GUEST_DOMAIN: "guest.meet.jitsi",
  XMPP_SERVER: "xmpp.meet.jitsi",
} as const;

/** `K=V` env lines; booleans as 1 and 0. */
export const env = (values: Record<string, string | number | boolean>): string[] =>
  Object.entries(values).map(([k, v]) => `${k}=${typeof v === "boolean" ? (v ? 1 : 0) : v}`);

/** Prosody's auth settings for the chosen mode (shared with web and jicofo, which read ENABLE_AUTH). */
export function authEnv(c: StackSettings, s: Secrets): pulumi.Input<string>[] {
  const common = env({ ENABLE_GUESTS: c.jitsiGuests });
  if (c.jitsiAuth === "none") return [...common, "ENABLE_AUTH=0"];
  if (c.jitsiAuth === "jwt") {
    return [
      ...common,
      ...env({ ENABLE_AUTH: true, AUTH_TYPE: "jwt", JWT_APP_ID: JITSI_JWT_APP_ID }),
      ...env({ JWT_ACCEPTED_ISSUERS: JITSI_JWT_APP_ID, JWT_ACCEPTED_AUDIENCES: JITSI_JWT_APP_ID }),
      pulumi.interpolate`JWT_APP_SECRET=${s.get("jitsiJwtSecret")}`,
    ];
  }
  return [
    ...common,
    ...env({ ENABLE_AUTH: true, AUTH_TYPE: "matrix" }),
    // The appservice's web listener serves /verify/user_in_room (the UVS protocol).
    `MATRIX_UVS_URL=http://${HOSTS.appservice}:${PORTS.appserviceWeb}`,
    // Element's openidtoken-jwt flow sets iss to the Jitsi domain.
    `MATRIX_UVS_ISSUER=${c.jitsiDomain}`,
    "MATRIX_UVS_SYNC_POWER_LEVELS=1",
    pulumi.interpolate`MATRIX_UVS_AUTH_TOKEN=${s.get("jitsiVerifyToken")}`,
  ];
}

/**
 * The web container behind a TLS-terminating proxy (Caddy, or the Ingress), which also serves
 * /.well-known/element/jitsi; BOSH goes to prosody at `xmppServer`.
 */
export function webEnv(xmppServer: string): string[] {
  return env({
    DISABLE_HTTPS: true,
    ENABLE_HTTP_REDIRECT: false,
    ENABLE_LETSENCRYPT: false,
    XMPP_BOSH_URL_BASE: `http://${xmppServer}:5280`,
    START_WITH_AUDIO_MUTED: "true",
  });
}

/**
 * prosody's TURN entry (XEP-0215 external services): clients get time-limited credentials
 * derived from the secret coturn checks (`use-auth-secret`), for UDP and TCP, so participants
 * whose networks block the bridge's UDP port still get media through coturn.
 */
export function turnEnv(c: StackSettings, s: Secrets): pulumi.Input<string>[] {
  return [
    ...env({ TURN_HOST: c.turnDomain, TURN_PORT: c.turnPort, TURN_TRANSPORT: "udp,tcp" }),
    pulumi.interpolate`TURN_CREDENTIALS=${s.get("turnSharedSecret")}`,
  ];
}

/** The env of each Jitsi part; `xmppServer` is where web's BOSH reaches prosody. */
export interface JitsiEnvs {
  readonly prosody: pulumi.Input<string>[];
  readonly jicofo: pulumi.Input<string>[];
  readonly jvb: pulumi.Input<string>[];
  readonly web: pulumi.Input<string>[];
}

/** The env every part reads, by part (a target adds its own ports and addresses). */
export function jitsiEnvs(c: StackSettings, s: Secrets, xmppServer: string): JitsiEnvs {
  const common = [
    ...env({ ...XMPP, PUBLIC_URL: `https://${c.jitsiDomain}`, TZ: "UTC" }),
    ...authEnv(c, s),
  ];
  // JICOFO_COMPONENT_SECRET is gone: jicofo logs in as a client (focus@auth), and the
  // images read no component secret since the external focus component was dropped.
  const passwords = [
    pulumi.interpolate`JICOFO_AUTH_PASSWORD=${s.get("jicofoAuthPassword")}`,
    pulumi.interpolate`JVB_AUTH_PASSWORD=${s.get("jvbAuthPassword")}`,
  ];
  return {
    prosody: [...common, ...passwords, ...turnEnv(c, s)],
    jicofo: [...common, ...passwords],
    jvb: [...common, ...passwords],
    web: [...common, ...webEnv(xmppServer)],
  };
}
