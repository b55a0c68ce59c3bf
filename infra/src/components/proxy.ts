/** Caddy: TLS for every domain and the only published HTTP ports. */
import type * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { matrixRtcEnabled } from "../calls";
import type { StackSettings } from "../config";
import { jitsiRelease } from "../jitsi-release";
import { renderCaddyfile } from "../render/caddyfile";
import { stackWellKnown } from "../services/edge";
import { dataVolume, pinnedImage, serviceContainer } from "./container";
import { HOSTS, PORTS } from "./names";
import type { Networks } from "./networks";

/** Inputs of {@link Proxy}. */
export interface ProxyArgs {
  readonly settings: StackSettings;
  readonly networks: Networks;
  /** Element's upstream, when Element Web is deployed. */
  readonly elementUpstream?: string;
}

/** Caddy publishing 80 and 443 (TCP, plus UDP for HTTP/3); certificates on a volume. */
export class Proxy extends pulumi.ComponentResource {
  readonly caddyfile: string;
  /** Caddy's data volume: ACME account and certificates (backed up). */
  readonly data: docker.Volume;

  constructor(name: string, args: ProxyArgs, opts?: pulumi.ComponentResourceOptions) {
    super("atrium:infra:Proxy", name, {}, opts);
    const c = args.settings;
    const rtc = matrixRtcEnabled(c);
    this.caddyfile = renderCaddyfile({
      acmeEmail: c.acmeEmail,
      domain: c.domain,
      homeserverDomain: c.homeserverDomain,
      jitsiDomain: c.jitsiDomain,
      padDomain: c.padDomain,
      imDomain: c.imDomain,
      elementDomain: args.elementUpstream === undefined ? undefined : c.elementDomain,
      sfuDomain: rtc ? c.sfuDomain : undefined,
      upstreams: {
        synapse: `${HOSTS.synapse}:${PORTS.synapse}`,
        jitsiWeb: `${HOSTS.jitsiWeb}:${jitsiRelease(c.images.jitsiWeb).webPort}`,
        etherpad: `${HOSTS.etherpad}:${PORTS.etherpad}`,
        appserviceWeb: `${HOSTS.appservice}:${PORTS.appserviceWeb}`,
        appserviceIm: `${HOSTS.appservice}:${PORTS.appserviceIm}`,
        elementWeb: args.elementUpstream,
        livekit: rtc ? `${HOSTS.livekit}:${PORTS.livekit}` : undefined,
      },
      wellKnown: stackWellKnown(c),
    });
    const image = pinnedImage(`${name}-image`, c.images.caddy, { parent: this });
    this.data = dataVolume(`${name}-data`, "atrium-caddy-data", { parent: this });
    serviceContainer(
      name,
      {
        name: HOSTS.proxy,
        image: image.imageId,
        networks: [{ network: args.networks.services }],
        ports: [
          { internal: 80, external: 80, protocol: "tcp" },
          { internal: 443, external: 443, protocol: "tcp" },
          { internal: 443, external: 443, protocol: "udp" },
        ],
        volumes: [
          { volume: this.data, path: "/data" },
          {
            volume: dataVolume(`${name}-config`, "atrium-caddy-config", { parent: this }),
            path: "/config",
          },
        ],
        uploads: [{ path: "/etc/caddy/Caddyfile", content: this.caddyfile }],
        healthcheck: ["CMD-SHELL", "wget -q -O /dev/null http://127.0.0.1:2019/config/ || exit 1"],
      },
      { parent: this },
    );
    this.registerOutputs({});
  }
}
