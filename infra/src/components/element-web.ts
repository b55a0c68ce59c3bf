/** Element Web on Docker, rendered from its {@link elementWebSpec} (services/element-web.ts). */
import * as pulumi from "@pulumi/pulumi";
import type { StackSettings } from "../config";
import { elementWebSpec } from "../services/element-web";
import { specContainer } from "./from-spec";
import { HOSTS, PORTS } from "./names";
import type { Networks } from "./networks";

/** Inputs of {@link ElementWeb}. */
export interface ElementWebArgs {
  readonly settings: StackSettings;
  readonly networks: Networks;
}

/** Element Web's static files with our config.json; it keeps no data. */
export class ElementWeb extends pulumi.ComponentResource {
  readonly configJson: string;
  readonly upstream = `${HOSTS.elementWeb}:${PORTS.elementWeb}`;

  constructor(name: string, args: ElementWebArgs, opts?: pulumi.ComponentResourceOptions) {
    super("atrium:infra:ElementWeb", name, {}, opts);
    const spec = elementWebSpec(args.settings, PORTS.elementWeb);
    this.configJson = spec.configJson;
    specContainer(name, spec, { networks: [{ network: args.networks.services }] }, this);
    this.registerOutputs({});
  }
}
