/**
 * The `atrium:kubernetes` object: what the Kubernetes target needs beyond the shared keys. Set
 * its fields with `pulumi config set --path 'atrium:kubernetes.<field>' <value>`. Pure; the stack
 * config schema embeds it.
 */
import { z } from "zod";
import { workerCountProblems, type WorkerCounts } from "./synapse-workers";

const label = z
  .string()
  .regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, "not a DNS label (lower case, digits, -)");
const dnsName = z
  .string()
  .regex(/^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$/, "not a DNS name (lower case, digits, ., -)");
/** `key=value` node label, as `kubectl label node <node> key=value` sets it. */
const nodeLabel = z
  .string()
  .regex(
    /^([a-z0-9.-]+\/)?[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?=[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$/,
    "not a key=value node label (e.g. atrium.dev/turn=true)",
  );
const count = (max: number, fallback: number) =>
  z.coerce
    .number({ error: "not a number" })
    .int("not a whole number")
    .min(1, "below 1")
    .max(max, `above ${max}`)
    .default(fallback);
const portNumber = z.coerce.number({ error: "not a number" }).int().min(1).max(65535);

/** The raw `atrium:kubernetes` object (all fields optional but the appservice image). */
export const kubernetesSchema = z
  .object({
    /** Namespace every resource goes into (created by the stack). */
    namespace: label.default("atrium"),
    /** The cluster's DNS domain: the router resolves worker pods by SRV under it. */
    clusterDomain: dnsName.default("cluster.local"),
    /** IngressClass of the ingress controller that terminates TLS. */
    ingressClass: label.default("nginx"),
    /** Namespace of the ingress controller's pods: the only source the web pods accept. */
    ingressNamespace: label.default("ingress-nginx"),
    /** cert-manager ClusterIssuer that signs the Ingress certificates. */
    clusterIssuer: label.default("letsencrypt"),
    /** StorageClass of the PersistentVolumeClaims (cluster default when unset). */
    storageClass: label.optional(),
    /** The appservice image, pushed to a registry the cluster pulls from (tagged, not latest). */
    appserviceImage: z.string(),
    /** Synapse worker replicas by type; see synapse-workers.ts. */
    workers: z.record(z.string(), z.unknown()).default({}),
    /** `external` (default): an operator's PostgreSQL; `cluster`: one StatefulSet, for trials. */
    postgres: z
      .enum(["external", "cluster"], { error: "must be external or cluster" })
      .default("external"),
    /** External PostgreSQL: host and port (kept in a Secret), TLS mode, admin role. */
    postgresHost: dnsName.optional(),
    postgresPort: portNumber.default(5432),
    postgresSslMode: z
      .enum(["disable", "prefer", "require", "verify-ca", "verify-full"])
      .default("require"),
    postgresAdminUser: z
      .string()
      .regex(/^[a-z_][a-z0-9_]*$/, "not a role name")
      .default("postgres"),
    /**
     * External PostgreSQL: the network (CIDR) its address is in, so the egress policies let the
     * database clients reach that network only; unset, they may reach postgresPort anywhere.
     */
    postgresCidr: z
      .union([z.cidrv4(), z.cidrv6()], { error: "not a CIDR (e.g. 10.20.0.0/24)" })
      .optional(),
    /**
     * `hostPort` (default): one bridge per labelled node on UDP jvbPort, advertising the node's
     * address; `ports`: a StatefulSet of `jvbReplicas` bridges, bridge i on UDP jvbPort+i behind
     * its own LoadBalancer Service.
     */
    jvbMode: z
      .enum(["hostPort", "ports"], { error: "must be hostPort or ports" })
      .default("hostPort"),
    jvbReplicas: count(50, 1),
    jvbNodeLabel: nodeLabel.default("atrium.dev/jvb=true"),
    turnNodeLabel: nodeLabel.default("atrium.dev/turn=true"),
    /**
     * Nodes that may run the LiveKit SFU (one pod, ICE on the node's TCP 7881 and UDP 7882 through
     * hostPorts, advertising the node's address): label one node with a public address.
     */
    sfuNodeLabel: nodeLabel.default("atrium.dev/sfu=true"),
    /** Replicas of the stateless web tiers (each gets a PodDisruptionBudget). */
    routerReplicas: count(10, 2),
    jitsiWebReplicas: count(10, 2),
    elementWebReplicas: count(10, 2),
  })
  .strict();

/** The Kubernetes target's settings, validated and defaulted. */
export interface KubernetesSettings {
  readonly namespace: string;
  readonly clusterDomain: string;
  readonly ingressClass: string;
  readonly ingressNamespace: string;
  readonly clusterIssuer: string;
  readonly storageClass?: string;
  readonly appserviceImage: string;
  readonly workers: WorkerCounts;
  readonly postgres:
    | { readonly mode: "cluster" }
    | {
        readonly mode: "external";
        readonly host: string;
        readonly port: number;
        readonly sslMode: string;
        readonly adminUser: string;
        /** The network the server is in (egress policies); any address when unset. */
        readonly cidr?: string;
      };
  readonly jvb:
    | { readonly mode: "hostPort"; readonly nodeLabel: string }
    | { readonly mode: "ports"; readonly replicas: number };
  readonly turnNodeLabel: string;
  /** `key=value` label of the node(s) the LiveKit SFU may run on. */
  readonly sfuNodeLabel: string;
  readonly replicas: {
    readonly router: number;
    readonly jitsiWeb: number;
    readonly elementWeb: number;
  };
}

/** Adds the worker-count and external-database problems to a schema refinement. */
export function checkKubernetes(
  k: z.infer<typeof kubernetesSchema>,
  postgresPasswordSet: boolean,
  ctx: z.RefinementCtx,
): void {
  for (const problem of workerCountProblems(k.workers)) {
    const type = problem.slice(0, problem.indexOf(":"));
    ctx.addIssue({
      code: "custom",
      path: ["kubernetes", "workers", type],
      message: problem.slice(problem.indexOf(":") + 2),
    });
  }
  if (k.postgres === "external") {
    if (k.postgresHost === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["kubernetes", "postgresHost"],
        message: "required with an external PostgreSQL (or set kubernetes.postgres to cluster)",
      });
    }
    if (!postgresPasswordSet) {
      ctx.addIssue({
        code: "custom",
        path: ["postgresPassword"],
        message:
          "required with an external PostgreSQL: the password of kubernetes.postgresAdminUser, which creates the service roles",
      });
    }
  }
}

/** The defaulted settings from a parsed `atrium:kubernetes` object. */
export function kubernetesSettings(k: z.infer<typeof kubernetesSchema>): KubernetesSettings {
  const workers = Object.fromEntries(
    Object.entries(k.workers).map(([type, n]) => [type, Number(n)]),
  ) as WorkerCounts;
  return Object.freeze({
    namespace: k.namespace,
    clusterDomain: k.clusterDomain,
    ingressClass: k.ingressClass,
    ingressNamespace: k.ingressNamespace,
    clusterIssuer: k.clusterIssuer,
    ...(k.storageClass === undefined ? {} : { storageClass: k.storageClass }),
    appserviceImage: k.appserviceImage,
    workers: Object.freeze(workers),
    postgres:
      k.postgres === "cluster"
        ? { mode: "cluster" as const }
        : {
            mode: "external" as const,
            host: k.postgresHost ?? "",
            port: k.postgresPort,
            sslMode: k.postgresSslMode,
            adminUser: k.postgresAdminUser,
            ...(k.postgresCidr === undefined ? {} : { cidr: k.postgresCidr }),
          },
    jvb:
      k.jvbMode === "ports"
        ? { mode: "ports" as const, replicas: k.jvbReplicas }
        : { mode: "hostPort" as const, nodeLabel: k.jvbNodeLabel },
    turnNodeLabel: k.turnNodeLabel,
    sfuNodeLabel: k.sfuNodeLabel,
    replicas: {
      router: k.routerReplicas,
      jitsiWeb: k.jitsiWebReplicas,
      elementWeb: k.elementWebReplicas,
    },
  });
}

/** `key=value` as a nodeSelector. */
export function nodeSelector(labelSpec: string): Record<string, string> {
  const i = labelSpec.indexOf("=");
  return { [labelSpec.slice(0, i)]: labelSpec.slice(i + 1) };
}
