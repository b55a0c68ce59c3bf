/** Synapse on Docker, rendered from its {@link synapseSpec} (services/synapse.ts). */
import type * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { synapseSpec } from "../services/synapse";
import { dataVolume } from "./container";
import { specContainer } from "./from-spec";
import { HOSTS, PORTS } from "./names";
import type { StackArgs } from "./stack-args";

/** Where the rendered files live inside the container (data stays on the volume at /data). */
export const SYNAPSE_PATHS = {
  configDir: "/config",
  config: "/config/homeserver.yaml",
  signingKey: "/data/signing.key",
  mediaStore: "/data/media_store",
} as const;

/** Synapse on both private networks (database and services), its data on one volume. */
export class Synapse extends pulumi.ComponentResource {
  /** The registration YAML (secret: it carries as_token and hs_token). */
  readonly registrationYaml: pulumi.Output<string>;
  /** homeserver.yaml (secret: database password, shared secrets). */
  readonly homeserverYaml: pulumi.Output<string>;
  /** Internal URL of the client API. */
  readonly internalUrl = `http://${HOSTS.synapse}:${PORTS.synapse}`;
  /** The data volume: signing key and media store (backed up). */
  readonly data: docker.Volume;

  constructor(name: string, args: StackArgs, opts?: pulumi.ComponentResourceOptions) {
    super("atrium:infra:Synapse", name, {}, opts);
    const { settings: c, secrets: s } = args;
    const spec = synapseSpec(c, s, {
      db: { host: HOSTS.postgres, port: PORTS.postgres },
      configDir: SYNAPSE_PATHS.configDir,
      paths: { signingKey: SYNAPSE_PATHS.signingKey, mediaStore: SYNAPSE_PATHS.mediaStore },
    });
    this.registrationYaml = spec.registrationYaml;
    this.homeserverYaml = spec.homeserverYaml;
    const data = dataVolume(`${name}-data`, "atrium-synapse-data", { parent: this });
    this.data = data;
    specContainer(
      name,
      spec,
      {
        networks: [{ network: args.networks.services }, { network: args.networks.database }],
        // A fresh volume belongs to root; start.py then drops to uid 991, which must own /data.
        entrypoints: [
          "/bin/sh",
          "-c",
          `chown 991:991 /data && exec /start.py run --config-path ${spec.configPath}`,
        ],
        volumes: [{ volume: data, path: "/data" }],
      },
      this,
    );
    this.registerOutputs({});
  }
}
