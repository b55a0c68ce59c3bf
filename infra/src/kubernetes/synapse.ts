/**
 * Synapse on Kubernetes: main as a one-pod StatefulSet, one StatefulSet per worker type whose
 * pod names are the Synapse instance names (ESS's layout), Redis when workers run, media on one
 * kept claim, and the appservice registration in every process.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { HOSTS, PORTS } from "../components/names";
import { renderWorkerYaml, runningWorkers, type WorkerTopology } from "../render/synapse-workers";
import { synapseSpec, type SynapseSpec } from "../services/synapse";
import type { WorkerTypeName } from "../synapse-workers";
import { envOf, portsOf, probeOf } from "./from-spec";
import {
  configHash,
  disruptionBudget,
  keptClaim,
  meta,
  probes,
  resources,
  scratch,
  secretOf,
  serviceOf,
  SYNAPSE_ROLE_LABEL,
  type KubeContext,
} from "./meta";
import { REDIS_HOST, synapseRedis } from "./synapse-redis";
import type { DbConnection } from "./postgres";
import { onePod, statefulSet } from "./workload";

export { REDIS_HOST } from "./synapse-redis";

/** Names: instance `atrium-synapse-<type>-<i>` is pod `<i>` of StatefulSet `atrium-synapse-<type>`. */
export const SYNAPSE_PREFIX = "atrium-synapse";
export const SYNAPSE_REPLICATION_PORT = 9093;
/** The image's synapse user (the Docker target's start.py drops to it too). */
const SYNAPSE_UID = 991;
/** Paths inside the Synapse pods. */
export const KUBE_SYNAPSE_PATHS = {
  configDir: "/conf",
  config: "/conf/homeserver.yaml",
  signingKey: "/conf/signing.key",
  worker: (type: string) => `/conf/worker-${type}.yaml`,
  instance: "/run/atrium/instance.yaml",
  media: "/media",
} as const;

/** Inputs of {@link Synapse}. */
export interface SynapseArgs {
  readonly db: DbConnection;
  /** Workloads that must exist first (the roles Job). */
  readonly after: pulumi.Resource[];
}

export class Synapse extends pulumi.ComponentResource {
  readonly registrationYaml: pulumi.Output<string>;
  readonly homeserverYaml: pulumi.Output<string>;
  /** The worker types that run, in routing order. */
  readonly workers: ReturnType<typeof runningWorkers>;

  constructor(
    name: string,
    ctx: KubeContext,
    args: SynapseArgs,
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super("atrium:kubernetes:Synapse", name, {}, opts);
    const { settings: c, secrets: s } = ctx;
    const topology: WorkerTopology = {
      prefix: SYNAPSE_PREFIX,
      counts: ctx.k.workers,
      // Pods of a StatefulSet resolve as <pod>.<headless service> inside the namespace.
      locate: (instance, type) =>
        type === "main"
          ? {
              host: `${SYNAPSE_PREFIX}-main-0.${SYNAPSE_PREFIX}-main`,
              port: SYNAPSE_REPLICATION_PORT,
            }
          : { host: `${instance}.${SYNAPSE_PREFIX}-${type}`, port: SYNAPSE_REPLICATION_PORT },
      redis: { host: REDIS_HOST, port: 6379 },
    };
    this.workers = runningWorkers(topology);
    const withWorkers = this.workers.length > 0;
    const spec = synapseSpec(c, s, {
      db: args.db,
      configDir: KUBE_SYNAPSE_PATHS.configDir,
      paths: { signingKey: KUBE_SYNAPSE_PATHS.signingKey, mediaStore: KUBE_SYNAPSE_PATHS.media },
      ...(withWorkers
        ? { workers: { ...topology, replicationPort: SYNAPSE_REPLICATION_PORT } }
        : {}),
    });
    this.registrationYaml = spec.registrationYaml;
    this.homeserverYaml = spec.homeserverYaml;
    // Every process signs (federation senders, readers): the key is a Secret, not a file that
    // main generates on its volume. An operator moving a Docker host over sets the old one.
    const signingKey =
      s.optional("synapseSigningKey") ??
      pulumi.secret(
        new random.RandomBytes(
          `${name}-signing-seed`,
          { length: 32 },
          { parent: this },
        ).base64.apply((b64) => `ed25519 a_atrium ${b64.replace(/=+$/, "")}\n`),
      );
    const files: Record<string, pulumi.Output<string>> = {
      ...Object.fromEntries(spec.files.map((f) => [f.name, f.content])),
      "signing.key": signingKey,
    };
    secretOf(ctx, `${name}-config`, "atrium-synapse-config", files, this);
    const workerFiles = Object.fromEntries(
      this.workers.map((w) => [
        `worker-${w.type}.yaml`,
        renderWorkerYaml(w.type, { http: PORTS.synapse, replication: SYNAPSE_REPLICATION_PORT }),
      ]),
    );
    new k8s.core.v1.ConfigMap(
      `${name}-workers`,
      { metadata: meta(ctx, "atrium-synapse-workers"), data: workerFiles },
      { parent: this },
    );
    const hash = configHash(...Object.values(files), JSON.stringify(workerFiles));
    const media = keptClaim(ctx, `${name}-media`, "atrium-synapse-media", "50Gi", this);
    const mediaOn: WorkerTypeName | "main" = this.workers.some((w) => w.type === "media-repository")
      ? "media-repository"
      : "main";

    // main: the ClusterIP Service other components call, and the headless one naming its pod.
    serviceOf(
      ctx,
      `${name}-service`,
      HOSTS.synapse,
      `${SYNAPSE_PREFIX}-main`,
      [{ name: "http", port: PORTS.synapse }],
      this,
    );
    this.processSet(
      name,
      ctx,
      spec,
      "main",
      1,
      hash,
      mediaOn === "main" ? media : undefined,
      args.after,
    );
    if (withWorkers) {
      synapseRedis(this, name, ctx);
      for (const w of this.workers) {
        this.processSet(
          name,
          ctx,
          spec,
          w.type,
          w.instances.length,
          hash,
          mediaOn === w.type ? media : undefined,
          args.after,
        );
      }
    }
    this.registerOutputs({});
  }

  /** One StatefulSet (main or a worker type) with its headless Service and, at 2+, a PDB. */
  private processSet(
    name: string,
    ctx: KubeContext,
    spec: SynapseSpec,
    type: WorkerTypeName | "main",
    replicas: number,
    hash: pulumi.Output<string>,
    media: k8s.core.v1.PersistentVolumeClaim | undefined,
    after: pulumi.Resource[],
  ): void {
    const app = `${SYNAPSE_PREFIX}-${type}`;
    serviceOf(
      ctx,
      `${name}-${type}-pods`,
      app,
      app,
      [
        { name: "http", port: PORTS.synapse },
        { name: "replication", port: SYNAPSE_REPLICATION_PORT },
      ],
      this,
      true,
    );
    if (replicas >= 2) disruptionBudget(ctx, app, app, this);
    const P = KUBE_SYNAPSE_PATHS;
    // worker_name is the pod name, known only in the pod: written to a file Synapse loads last.
    const start =
      type === "main"
        ? `exec python -m synapse.app.homeserver --config-path ${P.config}`
        : `printf 'worker_name: %s\\n' "$HOSTNAME" > ${P.instance} && exec python -m synapse.app.generic_worker --config-path ${P.config} --config-path ${P.worker(type)} --config-path ${P.instance}`;
    const sized = type === "main" || type === "event-persister" || type === "synchrotron";
    statefulSet(
      ctx,
      `${name}-${type}`,
      app,
      {
        replicas,
        parallel: true,
        labels: { [SYNAPSE_ROLE_LABEL]: "true" },
        hash,
        pod: onePod(
          {
            name: spec.name,
            image: spec.image,
            command: ["/bin/sh", "-c", start],
            env: envOf(spec.env),
            ports: [
              ...portsOf(spec),
              { name: "replication", containerPort: SYNAPSE_REPLICATION_PORT },
            ],
            // main runs the database migrations on start: allow it 15 minutes.
            ...probes(probeOf(spec), type === "main" ? 15 : 5),
            volumeMounts: [{ name: "config", mountPath: "/conf", readOnly: true }],
          },
          {
            user: SYNAPSE_UID,
            ownsVolumes: true,
            readOnlyRoot: true,
            resources: sized ? resources("500m", "1Gi", "4Gi") : resources("100m", "256Mi", "1Gi"),
            volumes: [
              scratch("run", "/run/atrium", "1Mi"),
              scratch("tmp", "/tmp", "256Mi"),
              ...(media === undefined
                ? []
                : [
                    {
                      volume: {
                        name: "media",
                        persistentVolumeClaim: { claimName: media.metadata.name },
                      },
                      mount: { name: "media", mountPath: P.media },
                    },
                  ]),
            ],
            pod: {
              volumes: [
                {
                  name: "config",
                  projected: {
                    sources: [
                      { secret: { name: "atrium-synapse-config" } },
                      ...(type === "main"
                        ? []
                        : [{ configMap: { name: "atrium-synapse-workers" } }]),
                    ],
                  },
                },
              ],
            },
          },
        ),
      },
      { parent: this, dependsOn: after },
    );
  }
}

/** A worker type's pool for the router (its headless Service's SRV records). */
export function workerRecord(type: WorkerTypeName, ctx: KubeContext): string {
  return `_http._tcp.${SYNAPSE_PREFIX}-${type}.${ctx.k.namespace}.svc.${ctx.k.clusterDomain}`;
}
