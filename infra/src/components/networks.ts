/** The stack's private Docker networks. */
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";

/**
 * `atrium` joins every service (bridge, so Synapse can federate and Caddy can reach ACME);
 * `atrium-db` is internal (no route out) and joins Postgres to the services that use it.
 */
export class Networks extends pulumi.ComponentResource {
  readonly services: docker.Network;
  readonly database: docker.Network;

  constructor(name: string, opts?: pulumi.ComponentResourceOptions) {
    super("atrium:infra:Networks", name, {}, opts);
    this.services = new docker.Network(
      `${name}-services`,
      { name: "atrium", driver: "bridge", internal: false },
      { parent: this },
    );
    this.database = new docker.Network(
      `${name}-database`,
      { name: "atrium-db", driver: "bridge", internal: true },
      { parent: this },
    );
    this.registerOutputs({});
  }
}
