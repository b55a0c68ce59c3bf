/** PostgreSQL for Synapse, Etherpad and the appservice. */
import * as pulumi from "@pulumi/pulumi";
import { adminEnv, POSTGRES, rolePasswordEnv, serverEnv } from "../services/postgres";
import type { Secrets } from "./secrets";
import { dataVolume, oneShotContainer, pinnedImage, serviceContainer } from "./container";
import { envLines } from "./from-spec";
import { HOSTS, PORTS } from "./names";
import type { Networks } from "./networks";

/** Inputs of {@link Postgres}. */
export interface PostgresArgs {
  readonly image: string;
  readonly networks: Networks;
  readonly secrets: Secrets;
}

/** Where the role-password job's script is mounted. */
const ROLES_SCRIPT = "/atrium/set-role-passwords.sh";

/**
 * One Postgres container on the internal database network. On its first start (empty volume)
 * the init script creates a database and owner per service, Synapse's with C collation; after
 * that a one-shot job sets every role's password from the stack's secrets (see
 * render/postgres-roles.ts), so a kept volume and a new stack still agree.
 */
export class Postgres extends pulumi.ComponentResource {
  readonly host = HOSTS.postgres;
  /** The pulled server image (its client tools also serve the backup and role jobs). */
  readonly imageId: pulumi.Output<string>;

  constructor(name: string, args: PostgresArgs, opts?: pulumi.ComponentResourceOptions) {
    super("atrium:infra:Postgres", name, {}, opts);
    const s = args.secrets;
    const image = pinnedImage(`${name}-image`, args.image, { parent: this });
    this.imageId = image.imageId;
    const data = dataVolume(`${name}-data`, "atrium-postgres-data", { parent: this });
    const server = serviceContainer(
      name,
      {
        name: HOSTS.postgres,
        image: image.imageId,
        networks: [{ network: args.networks.database }],
        envs: envLines(serverEnv(s)),
        volumes: [{ volume: data, path: POSTGRES.dataDir }],
        uploads: [
          { path: `${POSTGRES.init.dir}/${POSTGRES.init.name}`, content: POSTGRES.init.script },
        ],
        healthcheck: ["CMD", ...POSTGRES.health],
      },
      { parent: this },
    );
    oneShotContainer(
      `${name}-roles`,
      {
        name: HOSTS.postgresRoles,
        image: image.imageId,
        networks: [{ network: args.networks.database }],
        envs: [
          ...envLines({
            ...adminEnv(s, { host: HOSTS.postgres, port: PORTS.postgres }),
            ...rolePasswordEnv(s),
          }),
          // A new server container (a new stack, or a replaced one) runs the job again.
          pulumi.interpolate`ATRIUM_POSTGRES_CONTAINER=${server.id}`,
        ],
        uploads: [{ path: ROLES_SCRIPT, content: POSTGRES.rolePasswordsScript }],
        entrypoints: ["/bin/sh", ROLES_SCRIPT],
      },
      { parent: this, dependsOn: [server] },
    );
    this.registerOutputs({});
  }
}
