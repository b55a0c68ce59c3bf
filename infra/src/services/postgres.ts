/**
 * PostgreSQL as both targets run it: the server's variables, first-start script and health
 * check, and the admin connection its clients (the role-password job, the backups) log in
 * with. The Docker target runs the server always; Kubernetes only for trials (an operator's
 * server otherwise), but its clients the same way.
 */
import type * as pulumi from "@pulumi/pulumi";
import { DATABASES } from "../components/names";
import type { Secrets } from "../components/secrets";
import { renderPostgresInitScript } from "../render/postgres-init";
import { renderRolePasswordsScript } from "../render/postgres-roles";

/** Variables by name. */
export type Env = Record<string, pulumi.Input<string>>;

/** The server as the postgres image runs it. */
export const POSTGRES = {
  /** The data folder. */
  dataDir: "/var/lib/postgresql/data",
  /** The folder whose scripts the image runs on a first start, and Atrium's script there. */
  init: {
    dir: "/docker-entrypoint-initdb.d",
    name: "10-atrium.sh",
    script: renderPostgresInitScript(Object.values(DATABASES)),
  },
  /** The script that sets every role's password from the variables (run after each start). */
  rolePasswordsScript: renderRolePasswordsScript(Object.values(DATABASES)),
  /** The health check (exit 0 once it accepts connections). */
  health: ["pg_isready", "-U", "postgres", "-d", "postgres"],
} as const;

/** Each service role's password, by the variable both scripts read. */
export function rolePasswordEnv(s: Secrets): Env {
  return {
    [DATABASES.synapse.passwordEnv]: s.get("synapseDbPassword"),
    [DATABASES.etherpad.passwordEnv]: s.get("etherpadDbPassword"),
    [DATABASES.atrium.passwordEnv]: s.get("atriumDbPassword"),
  };
}

/** The server's variables: the admin role and its password, and the service roles' passwords. */
export function serverEnv(s: Secrets): Env {
  return {
    POSTGRES_USER: "postgres",
    POSTGRES_PASSWORD: s.get("postgresPassword"),
    ...rolePasswordEnv(s),
  };
}

/** Where an admin client finds the server. */
export interface PostgresAdmin {
  readonly host: string;
  readonly port: number;
  /** libpq sslmode; unset, libpq's default. */
  readonly sslMode?: string;
  /** The admin role (`postgres` unless an operator's server says otherwise). */
  readonly user?: string;
}

/** libpq's PG* variables for the admin connection (the password from the stack's secrets). */
export function adminEnv(s: Secrets, a: PostgresAdmin): Env {
  return {
    PGHOST: a.host,
    PGPORT: String(a.port),
    ...(a.sslMode === undefined ? {} : { PGSSLMODE: a.sslMode }),
    PGUSER: a.user ?? "postgres",
    PGPASSWORD: s.get("postgresPassword"),
  };
}
