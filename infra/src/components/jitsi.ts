/** Jitsi Meet (web, prosody, jicofo, jvb) from docker-jitsi-meet's images. */
import type * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import type { StackSettings } from "../config";
import { jitsiRelease } from "../jitsi-release";
import { dataVolume, pinnedImage, serviceContainer, type ServiceContainerArgs } from "./container";
import { HOSTS, JITSI_JWT_APP_ID, PORTS } from "./names";
import type { Networks } from "./networks";
import type { Secrets } from "./secrets";

/** Inputs of {@link Jitsi}. */
export interface JitsiArgs {
  readonly settings: StackSettings;
  readonly networks: Networks;
  readonly secrets: Secrets;
}

/** docker-jitsi-meet's internal XMPP names (env.example defaults). */
export const XMPP = {
  XMPP_DOMAIN: "meet.jitsi",
  XMPP_AUTH_DOMAIN: "auth.meet.jitsi",
  XMPP_MUC_DOMAIN: "muc.meet.jitsi",
  XMPP_INTERNAL_MUC_DOMAIN: "internal-muc.meet.jitsi",
  XMPP_GUEST_DOMAIN: "guest.meet.jitsi",
  XMPP_SERVER: "xmpp.meet.jitsi",
} as const;

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

/**
 * Rootless releases (stable-11146 on) run read-only with a tmpfs on /run, where they render
 * their config, and /tmp; sizes and modes as in upstream's docker-compose.yml.
 */
function hardening(rootless: boolean, runSize: string): Partial<ServiceContainerArgs> {
  if (!rootless) return {};
  return {
    readOnly: true,
    tmpfs: { "/run": `size=${runSize},mode=1750,exec`, "/tmp": "size=16M,mode=1777,noexec" },
  };
}

/** The four Jitsi containers on the services network; only JVB's media port is published. */
export class Jitsi extends pulumi.ComponentResource {
  /** prosody's storage volume (rootless releases only), backed up. */
  readonly prosodyData: docker.Volume | undefined;

  constructor(name: string, args: JitsiArgs, opts?: pulumi.ComponentResourceOptions) {
    super("atrium:infra:Jitsi", name, {}, opts);
    const { settings: c, secrets: s } = args;
    const net = args.networks.services;
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
    const release = jitsiRelease(c.images.jitsiWeb);
    const volume = (part: string): ReturnType<typeof dataVolume> =>
      dataVolume(`${name}-${part}`, `atrium-jitsi-${part}`, { parent: this });
    const image = (part: string, ref: string): pulumi.Output<string> =>
      pinnedImage(`${name}-${part}-image`, ref, { parent: this }).imageId;
    const healthScript = ["CMD", "/usr/local/bin/healthcheck.sh"];
    this.prosodyData = release.rootless ? volume("prosody-data") : undefined;

    serviceContainer(
      `${name}-prosody`,
      {
        name: HOSTS.prosody,
        image: image("prosody", c.images.jitsiProsody),
        networks: [{ network: net, aliases: [XMPP.XMPP_SERVER] }],
        envs: [...common, ...passwords, ...turnEnv(c, s)],
        // Rootless releases keep prosody's storage in /var/lib/prosody (upstream's compose
        // mounts a volume there); older ones kept it under /config, where the volume was unused.
        volumes: [
          { volume: volume("prosody-config"), path: "/config" },
          ...(this.prosodyData === undefined
            ? []
            : [{ volume: this.prosodyData, path: "/var/lib/prosody" }]),
        ],
        healthcheck: healthScript,
        ...hardening(release.rootless, "16M"),
      },
      { parent: this },
    );
    serviceContainer(
      `${name}-jicofo`,
      {
        name: HOSTS.jicofo,
        image: image("jicofo", c.images.jitsiJicofo),
        networks: [{ network: net }],
        envs: [...common, ...passwords],
        volumes: [{ volume: volume("jicofo-config"), path: "/config" }],
        healthcheck: healthScript,
        ...hardening(release.rootless, "32M"),
      },
      { parent: this },
    );
    serviceContainer(
      `${name}-jvb`,
      {
        name: HOSTS.jvb,
        image: image("jvb", c.images.jitsiJvb),
        networks: [{ network: net }],
        envs: [
          ...common,
          ...passwords,
          ...env({ JVB_PORT: c.jvbPort, JVB_ADVERTISE_IPS: c.publicIp }),
        ],
        ports: [{ internal: c.jvbPort, external: c.jvbPort, protocol: "udp" }],
        volumes: [{ volume: volume("jvb-config"), path: "/config" }],
        healthcheck: healthScript,
        ...hardening(release.rootless, "32M"),
      },
      { parent: this },
    );
    serviceContainer(
      `${name}-web`,
      {
        name: HOSTS.jitsiWeb,
        image: image("web", c.images.jitsiWeb),
        networks: [{ network: net }],
        envs: [...common, ...webEnv(XMPP.XMPP_SERVER)],
        volumes: [{ volume: volume("web-config"), path: "/config" }],
        healthcheck: [
          "CMD",
          "curl",
          "-fsS",
          "-o",
          "/dev/null",
          `http://127.0.0.1:${release.webPort}/`,
        ],
        ...hardening(release.rootless, "16M"),
      },
      { parent: this },
    );
    this.registerOutputs({});
  }
}
