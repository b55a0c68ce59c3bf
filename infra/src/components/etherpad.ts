/** Etherpad on Docker, rendered from its {@link etherpadSpec} (services/etherpad.ts). */
import * as pulumi from "@pulumi/pulumi";
import { etherpadSpec } from "../services/etherpad";
import { dataVolume } from "./container";
import { specContainer } from "./from-spec";
import { HOSTS, PORTS } from "./names";
import type { StackArgs } from "./stack-args";

/**
 * Etherpad on the services and database networks, its `var` on a kept volume. The proxy
 * publishes only what a pad page needs (see render/caddyfile.ts).
 */
export class Etherpad extends pulumi.ComponentResource {
  readonly settingsJson: pulumi.Output<string>;
  /** Internal URL the appservice calls the API on. */
  readonly internalUrl = `http://${HOSTS.etherpad}:${PORTS.etherpad}`;

  constructor(name: string, args: StackArgs, opts?: pulumi.ComponentResourceOptions) {
    super("atrium:infra:Etherpad", name, {}, opts);
    const spec = etherpadSpec(args.settings, args.secrets, {
      host: HOSTS.postgres,
      port: PORTS.postgres,
    });
    this.settingsJson = spec.settingsJson;
    const data = dataVolume(`${name}-var`, "atrium-etherpad-var", { parent: this });
    specContainer(
      name,
      spec,
      {
        networks: [{ network: args.networks.services }, { network: args.networks.database }],
        volumes: spec.stateDirs.map((path) => ({ volume: data, path })),
      },
      this,
    );
    this.registerOutputs({});
  }
}
