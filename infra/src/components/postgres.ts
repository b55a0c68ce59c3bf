/** PostgreSQL for Synapse, Etherpad and the appservice. */
import * as pulumi from "@pulumi/pulumi";
import { renderPostgresInitScript } from "../render/postgres-init";
import type { Secrets } from "./secrets";
import { dataVolume, pinnedImage, serviceContainer } from "./container";
import { DATABASES, HOSTS } from "./names";
import type { Networks } from "./networks";

/** Inputs of {@link Postgres}. */
export interface PostgresArgs {
  readonly image: string;
  readonly networks: Networks;
  readonly secrets: Secrets;
}

/**
 * One Postgres container on the internal database network. On its first start (empty volume)
 * the init script creates a database and owner per service, Synapse's with C collation.
 */
export class Postgres extends pulumi.ComponentResource {
  readonly host = HOSTS.postgres;

  constructor(name: string, args: PostgresArgs, opts?: pulumi.ComponentResourceOptions) {
    super("atrium:infra:Postgres", name, {}, opts);
    const s = args.secrets;
    const image = pinnedImage(`${name}-image`, args.image, { parent: this });
    const data = dataVolume(`${name}-data`, "atrium-postgres-data", { parent: this });
    serviceContainer(
      name,
      {
        name: HOSTS.postgres,
        image: image.imageId,
        networks: [{ network: args.networks.database }],
        envs: [
          "POSTGRES_USER=postgres",
          pulumi.interpolate`POSTGRES_PASSWORD=${s.get("postgresPassword")}`,
          pulumi.interpolate`${DATABASES.synapse.passwordEnv}=${s.get("synapseDbPassword")}`,
          pulumi.interpolate`${DATABASES.etherpad.passwordEnv}=${s.get("etherpadDbPassword")}`,
          pulumi.interpolate`${DATABASES.atrium.passwordEnv}=${s.get("atriumDbPassword")}`,
        ],
        volumes: [{ volume: data, path: "/var/lib/postgresql/data" }],
        uploads: [
          {
            path: "/docker-entrypoint-initdb.d/10-atrium.sh",
            content: renderPostgresInitScript(Object.values(DATABASES)),
          },
        ],
        healthcheck: ["CMD", "pg_isready", "-U", "postgres", "-d", "postgres"],
      },
      { parent: this },
    );
    this.registerOutputs({});
  }
}
