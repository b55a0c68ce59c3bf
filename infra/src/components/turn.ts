/** coturn: TURN for 1:1 calls, credentials from the secret Synapse shares. */
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import type { StackSettings } from "../config";
import { renderTurnserverConf } from "../render/turnserver";
import { dataVolume, pinnedImage, serviceContainer } from "./container";
import { HOSTS } from "./names";
import type { Networks } from "./networks";
import type { Secrets } from "./secrets";

/** Inputs of {@link Turn}. */
export interface TurnArgs {
  readonly settings: StackSettings;
  readonly networks: Networks;
  readonly secrets: Secrets;
}

/**
 * coturn publishing its listening port (UDP and TCP) and, one by one, the UDP relay range;
 * relay candidates carry the host's public IP.
 */
export class Turn extends pulumi.ComponentResource {
  readonly turnserverConf: pulumi.Output<string>;

  constructor(name: string, args: TurnArgs, opts?: pulumi.ComponentResourceOptions) {
    super("atrium:infra:Turn", name, {}, opts);
    const c = args.settings;
    this.turnserverConf = args.secrets.get("turnSharedSecret").apply((sharedSecret) =>
      renderTurnserverConf({
        realm: c.domain,
        sharedSecret,
        listeningPort: c.turnPort,
        relayMinPort: c.turnRelayMinPort,
        relayMaxPort: c.turnRelayMaxPort,
        externalIp: c.publicIp,
        pidFile: "/tmp/turnserver.pid",
      }),
    );
    const ports: docker.types.input.ContainerPort[] = [
      { internal: c.turnPort, external: c.turnPort, protocol: "udp" },
      { internal: c.turnPort, external: c.turnPort, protocol: "tcp" },
    ];
    for (let p = c.turnRelayMinPort; p <= c.turnRelayMaxPort; p++) {
      ports.push({ internal: p, external: p, protocol: "udp" });
    }
    const image = pinnedImage(`${name}-image`, c.images.coturn, { parent: this });
    const data = dataVolume(`${name}-data`, "atrium-coturn-data", { parent: this });
    serviceContainer(
      name,
      {
        name: HOSTS.coturn,
        image: image.imageId,
        networks: [{ network: args.networks.services }],
        command: ["-c", "/etc/coturn/turnserver.conf"],
        ports,
        volumes: [{ volume: data, path: "/var/lib/coturn" }],
        uploads: [{ path: "/etc/coturn/turnserver.conf", content: this.turnserverConf }],
        healthcheck: ["CMD", "turnutils_stunclient", "-p", String(c.turnPort), "127.0.0.1"],
      },
      { parent: this },
    );
    this.registerOutputs({});
  }
}
