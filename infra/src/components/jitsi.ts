/** Jitsi Meet (web, prosody, jicofo, jvb) from docker-jitsi-meet's images. */
import type * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { jitsiRelease } from "../jitsi-release";
import { dataVolume, pinnedImage, serviceContainer, type ServiceContainerArgs } from "./container";
import { env, jitsiEnvs, XMPP } from "../services/jitsi";
import { HOSTS } from "./names";
import type { StackArgs } from "./stack-args";

/** Inputs of {@link Jitsi}. */
export type JitsiArgs = StackArgs;

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
    const envs = jitsiEnvs(c, s, XMPP.XMPP_SERVER);
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
        envs: envs.prosody,
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
        envs: envs.jicofo,
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
        envs: [...envs.jvb, ...env({ JVB_PORT: c.jvbPort, JVB_ADVERTISE_IPS: c.publicIp })],
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
        envs: envs.web,
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
