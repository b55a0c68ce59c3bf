/** coturn on Docker, rendered from its {@link coturnSpec} (services/coturn.ts). */
import * as pulumi from "@pulumi/pulumi";
import { coturnSpec } from "../services/coturn";
import { dataVolume } from "./container";
import { specContainer } from "./from-spec";
import type { StackArgs } from "./stack-args";

/**
 * coturn publishing its listening port (UDP and TCP) and, one by one, the UDP relay range;
 * relay candidates carry the host's public IP.
 */
export class Turn extends pulumi.ComponentResource {
  readonly turnserverConf: pulumi.Output<string>;

  constructor(name: string, args: StackArgs, opts?: pulumi.ComponentResourceOptions) {
    super("atrium:infra:Turn", name, {}, opts);
    const c = args.settings;
    const spec = coturnSpec(c, args.secrets.get("turnSharedSecret"), { externalIp: c.publicIp });
    this.turnserverConf = spec.turnserverConf;
    const data = dataVolume(`${name}-data`, "atrium-coturn-data", { parent: this });
    specContainer(
      name,
      spec,
      {
        networks: [{ network: args.networks.services }],
        morePorts: spec.relayPorts,
        volumes: spec.stateDirs.map((path) => ({ volume: data, path })),
      },
      this,
    );
    this.registerOutputs({});
  }
}
