/**
 * PostgreSQL on the Kubernetes target: an external server by default (ESS's advice for
 * production), or one StatefulSet for trials. Either way a Job sets every service role's
 * password from the stack's secrets with the Docker target's script.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { HOSTS, PORTS } from "../components/names";
import { adminEnv, POSTGRES, rolePasswordEnv, serverEnv } from "../services/postgres";
import {
  claimTemplate,
  configHash,
  execProbe,
  labels,
  meta,
  probes,
  resources,
  scratch,
  secretOf,
  serviceOf,
  type KubeContext,
} from "./meta";
import { onePod, podTemplate, statefulSet } from "./workload";

/** How the services reach the database. */
export interface DbConnection {
  readonly host: string;
  readonly port: number;
  /** libpq sslmode; `disable` in the cluster. */
  readonly sslMode: string;
}

/** Secret with the admin connection (PG* variables) and each service role's password. */
export const POSTGRES_SECRET = "atrium-postgres-connection";
/** The postgres image's user and group (alpine). */
const POSTGRES_UID = 70;

export class Postgres extends pulumi.ComponentResource {
  readonly connection: DbConnection;
  /** The Job that sets the roles' passwords; workloads that log in wait for it. */
  readonly roles: k8s.batch.v1.Job;

  constructor(name: string, ctx: KubeContext, opts?: pulumi.ComponentResourceOptions) {
    super("atrium:kubernetes:Postgres", name, {}, opts);
    const s = ctx.secrets;
    const ext = ctx.k.postgres.mode === "external" ? ctx.k.postgres : undefined;
    this.connection =
      ext === undefined
        ? { host: HOSTS.postgres, port: PORTS.postgres, sslMode: "disable" }
        : { host: ext.host, port: ext.port, sslMode: ext.sslMode };
    const connection = {
      ...adminEnv(s, { ...this.connection, user: ext?.adminUser ?? "postgres" }),
      ...rolePasswordEnv(s),
    };
    const secret = secretOf(ctx, `${name}-connection`, POSTGRES_SECRET, connection, this);
    const scripts = new k8s.core.v1.ConfigMap(
      `${name}-scripts`,
      {
        metadata: meta(ctx, "atrium-postgres-scripts"),
        data: {
          [POSTGRES.init.name]: POSTGRES.init.script,
          "set-role-passwords.sh": POSTGRES.rolePasswordsScript,
        },
      },
      { parent: this },
    );
    const hash = configHash(...Object.values(connection));
    let server: k8s.apps.v1.StatefulSet | undefined;
    if (ext === undefined) server = this.server(name, ctx, hash);
    this.roles = new k8s.batch.v1.Job(
      `${name}-roles`,
      {
        metadata: meta(ctx, HOSTS.postgresRoles, { labels: labels("postgres-roles") }),
        spec: {
          backoffLimit: 10,
          ttlSecondsAfterFinished: 86400,
          template: podTemplate("postgres-roles", {
            hash,
            pod: onePod(
              {
                name: "roles",
                image: ctx.settings.images.postgres,
                command: ["/bin/sh", "/scripts/set-role-passwords.sh"],
                envFrom: [{ secretRef: { name: POSTGRES_SECRET } }],
                volumeMounts: [{ name: "scripts", mountPath: "/scripts" }],
              },
              {
                user: POSTGRES_UID,
                readOnlyRoot: true,
                resources: resources("50m", "32Mi", "128Mi"),
                volumes: [scratch("tmp", "/tmp", "16Mi")],
                pod: {
                  restartPolicy: "OnFailure",
                  volumes: [{ name: "scripts", configMap: { name: scripts.metadata.name } }],
                },
              },
            ),
          }),
        },
      },
      // A Job's template cannot change in place: a new hash replaces it, and so runs it again.
      {
        parent: this,
        dependsOn: [secret, ...(server === undefined ? [] : [server])],
        deleteBeforeReplace: true,
      },
    );
    this.registerOutputs({});
  }

  /** The in-cluster server: one StatefulSet with its data on a claim. */
  private server(
    name: string,
    ctx: KubeContext,
    hash: pulumi.Output<string>,
  ): k8s.apps.v1.StatefulSet {
    const app = "postgres";
    serviceOf(
      ctx,
      `${name}-service`,
      HOSTS.postgres,
      app,
      [{ name: "postgres", port: PORTS.postgres }],
      this,
    );
    // The admin password is the Secret's PGPASSWORD; the roles' passwords go by their own names.
    const fromSecret = (name: string) => ({
      name,
      valueFrom: {
        secretKeyRef: {
          name: POSTGRES_SECRET,
          key: name === "POSTGRES_PASSWORD" ? "PGPASSWORD" : name,
        },
      },
    });
    return statefulSet(
      ctx,
      `${name}-server`,
      app,
      {
        name: HOSTS.postgres,
        replicas: 1,
        hash,
        pod: onePod(
          {
            name: "postgres",
            image: ctx.settings.images.postgres,
            ports: [{ name: "postgres", containerPort: PORTS.postgres }],
            // The Docker target's variables, the secret ones read from the connection Secret.
            env: [
              ...Object.entries(serverEnv(ctx.secrets)).map(([name, value]) =>
                typeof value === "string" ? { name, value } : fromSecret(name),
              ),
              // A subdirectory: the volume's root may hold lost+found.
              { name: "PGDATA", value: `${POSTGRES.dataDir}/pgdata` },
            ],
            volumeMounts: [
              { name: "data", mountPath: POSTGRES.dataDir },
              { name: "init", mountPath: POSTGRES.init.dir },
            ],
            ...probes(execProbe([...POSTGRES.health])),
          },
          {
            user: POSTGRES_UID,
            ownsVolumes: true,
            readOnlyRoot: true,
            resources: resources("250m", "512Mi", "2Gi"),
            volumes: [
              scratch("run", "/var/run/postgresql", "16Mi"),
              scratch("tmp", "/tmp", "64Mi"),
            ],
            pod: {
              volumes: [
                {
                  name: "init",
                  configMap: {
                    name: "atrium-postgres-scripts",
                    items: [{ key: POSTGRES.init.name, path: POSTGRES.init.name }],
                  },
                },
              ],
            },
          },
        ),
        claims: [claimTemplate(ctx, "data", "20Gi")],
      },
      { parent: this },
    );
  }
}
