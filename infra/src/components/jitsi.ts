/** Jitsi Meet (web, prosody, jicofo, jvb) from docker-jitsi-meet's images. */
import type * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { jitsiRelease } from "../jitsi-release";
import { dataVolume, pinnedImage, serviceContainer, type ServiceContainerArgs } from "./container";
import { env, jitsiEnvs, XMPP } from "../services/jitsi";
import { HOSTS } from "./names";
import type { StackArgs } from "./stack-args";

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

  constructor(name: string, args: StackArgs, opts?: pulumi.ComponentResourceOptions) {
    super("atrium:infra:Jitsi", name, {}, opts);
    const { settings: c, secrets: s } = args;
    const net = args.networks.services;
    const envs = jitsiEnvs(c, s, XMPP.XMPP_SERVER);
    const release = jitsiRelease(c.images.jitsiWeb);
    const volume = (part: string): ReturnType<typeof dataVolume> =>
      dataVolume(`${name}-${part}`, `atrium-jitsi-${part}`, { parent: this });
    this.prosodyData = release.rootless ? volume("prosody-data") : undefined;
    // Each part: its pinned image, its env, its /config on a kept volume, the image's health
    // script unless said otherwise, and the rootless hardening with a /run of `runSize`.
    const part = (
      which: keyof typeof envs,
      o: { host: string; image: string; runSize: string } & Partial<ServiceContainerArgs>,
    ): void => {
      const { host, image, runSize, ...rest } = o;
      serviceContainer(
        `${name}-${which}`,
        {
          name: host,
          image: pinnedImage(`${name}-${which}-image`, image, { parent: this }).imageId,
          networks: [{ network: net }],
          envs: envs[which],
          healthcheck: ["CMD", "/usr/local/bin/healthcheck.sh"],
          ...rest,
          volumes: [
            { volume: volume(`${which}-config`), path: "/config" },
            ...(rest.volumes ?? []),
          ],
          ...hardening(release.rootless, runSize),
        },
        { parent: this },
      );
    };

    part("prosody", {
      host: HOSTS.prosody,
      image: c.images.jitsiProsody,
      runSize: "16M",
      networks: [{ network: net, aliases: [XMPP.XMPP_SERVER] }],
      // Rootless releases keep prosody's storage in /var/lib/prosody (upstream's compose mounts
      // a volume there); older ones kept it under /config, where the volume was unused.
      ...(this.prosodyData === undefined
        ? {}
        : { volumes: [{ volume: this.prosodyData, path: "/var/lib/prosody" }] }),
    });
    part("jicofo", { host: HOSTS.jicofo, image: c.images.jitsiJicofo, runSize: "32M" });
    part("jvb", {
      host: HOSTS.jvb,
      image: c.images.jitsiJvb,
      runSize: "32M",
      envs: [...envs.jvb, ...env({ JVB_PORT: c.jvbPort, JVB_ADVERTISE_IPS: c.publicIp })],
      ports: [{ internal: c.jvbPort, external: c.jvbPort, protocol: "udp" }],
    });
    part("web", {
      host: HOSTS.jitsiWeb,
      image: c.images.jitsiWeb,
      runSize: "16M",
      healthcheck: [
        "CMD",
        "curl",
        "-fsS",
        "-o",
        "/dev/null",
        `http://127.0.0.1:${release.webPort}/`,
      ],
    });
    this.registerOutputs({});
  }
}
