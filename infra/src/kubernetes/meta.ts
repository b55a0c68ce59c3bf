/**
 * What every Kubernetes workload of the stack shares: labels, the namespace, Secrets built from
 * rendered files, config hashes that roll pods, probes, hardened security contexts, resources
 * and PodDisruptionBudgets.
 */
import { createHash } from "node:crypto";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { StackSettings } from "../config";
import type { KubernetesSettings } from "../kubernetes-schema";
import type { Secrets } from "../components/secrets";

type Input<T> = pulumi.Input<T>;
type Container = k8s.types.input.core.v1.Container;
type Probe = k8s.types.input.core.v1.Probe;

/** What each Kubernetes component receives. */
export interface KubeContext {
  readonly settings: StackSettings;
  readonly k: KubernetesSettings;
  readonly secrets: Secrets;
  readonly namespace: pulumi.Input<string>;
}

/**
 * Private and special-purpose IPv4 and IPv6 ranges: the cluster's pod and service networks lie
 * in them, and so do the nodes and cloud metadata (169.254.169.254). Egress to "the internet"
 * excludes them; the router believes X-Forwarded-For only from peers inside them (the ingress
 * controller; NetworkPolicies let nothing else from outside the namespace reach it).
 */
export const PRIVATE_RANGES = {
  ipv4: [
    "0.0.0.0/8",
    "10.0.0.0/8",
    "100.64.0.0/10",
    "127.0.0.0/8",
    "169.254.0.0/16",
    "172.16.0.0/12",
    "192.0.0.0/24",
    "192.168.0.0/16",
    "198.18.0.0/15",
    "224.0.0.0/4",
    "240.0.0.0/4",
  ],
  ipv6: ["::/128", "::1/128", "::ffff:0:0/96", "64:ff9b::/96", "fc00::/7", "fe80::/10", "ff00::/8"],
} as const;

/** Label every pod of `app` carries; the NetworkPolicies and Services select by it. */
export const APP_LABEL = "app.kubernetes.io/name";
/** Set on every Synapse process (main and workers), so one policy covers them all. */
export const SYNAPSE_ROLE_LABEL = "atrium.dev/synapse";

/** The labels of an app's pods (and its selector). */
export function labels(app: string, extra: Record<string, string> = {}): Record<string, string> {
  return { [APP_LABEL]: app, "app.kubernetes.io/part-of": "atrium", ...extra };
}

/** Object metadata in the stack's namespace. */
export function meta(
  ctx: KubeContext,
  name: string,
  extra: {
    labels?: Record<string, string>;
    annotations?: Input<Record<string, Input<string>>>;
  } = {},
): k8s.types.input.meta.v1.ObjectMeta {
  return {
    name,
    namespace: ctx.namespace,
    labels: { "app.kubernetes.io/part-of": "atrium", ...(extra.labels ?? {}) },
    ...(extra.annotations === undefined ? {} : { annotations: extra.annotations }),
  };
}

/**
 * A Secret holding rendered files or variables. The whole `stringData` is a secret Output,
 * so nothing in it reaches the state or a preview in clear.
 */
export function secretOf(
  ctx: KubeContext,
  resourceName: string,
  name: string,
  data: Input<Record<string, Input<string>>>,
  parent: pulumi.Resource,
): k8s.core.v1.Secret {
  return new k8s.core.v1.Secret(
    resourceName,
    {
      metadata: meta(ctx, name),
      type: "Opaque",
      stringData: pulumi.secret(pulumi.output(data)) as pulumi.Output<Record<string, string>>,
    },
    { parent },
  );
}

/**
 * A short hash of config inputs, put on a pod template so that a changed file or secret rolls
 * the pods (ESS writes such hashes into labels). The hash reveals nothing of a secret, so it is
 * unmarked and shows in previews.
 */
export function configHash(...inputs: Input<string>[]): pulumi.Output<string> {
  return pulumi.unsecret(
    pulumi
      .all(inputs)
      .apply((values) => createHash("sha256").update(values.join("\0")).digest("hex").slice(0, 16)),
  );
}

/** The annotation carrying {@link configHash}. */
export const CONFIG_HASH_ANNOTATION = "atrium.dev/config-hash";

/** An HTTP GET probe. */
export function httpProbe(path: string, port: number | string, failureThreshold = 3): Probe {
  return { httpGet: { path, port }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold };
}

/** An exec probe (the image's own health script). */
export function execProbe(command: string[], failureThreshold = 3): Probe {
  return { exec: { command }, periodSeconds: 15, timeoutSeconds: 5, failureThreshold };
}

/**
 * Readiness, liveness (more patient) and a startup probe that allows `startupMinutes` before
 * liveness counts (database migrations, JVM start-up).
 */
export function probes(
  probe: Probe,
  startupMinutes = 5,
): Pick<Container, "readinessProbe" | "livenessProbe" | "startupProbe"> {
  return {
    readinessProbe: probe,
    livenessProbe: { ...probe, failureThreshold: 6, periodSeconds: 20 },
    startupProbe: { ...probe, periodSeconds: 10, failureThreshold: startupMinutes * 6 },
  };
}

/**
 * The container security context: no privilege escalation, no capabilities, the runtime's
 * seccomp profile; non-root with a numeric user where the image has one; a read-only root
 * filesystem where the image writes only to the mounted emptyDirs.
 */
export function hardened(o: {
  user?: number;
  readOnlyRoot: boolean;
}): k8s.types.input.core.v1.SecurityContext {
  return {
    allowPrivilegeEscalation: false,
    capabilities: { drop: ["ALL"] },
    seccompProfile: { type: "RuntimeDefault" },
    readOnlyRootFilesystem: o.readOnlyRoot,
    ...(o.user === undefined ? {} : { runAsNonRoot: true, runAsUser: o.user, runAsGroup: o.user }),
  };
}

/** Requests and a memory limit (no CPU limit: throttling hurts latency more than it protects). */
export function resources(
  cpu: string,
  memory: string,
  memoryLimit: string,
): k8s.types.input.core.v1.ResourceRequirements {
  return { requests: { cpu, memory }, limits: { memory: memoryLimit } };
}

/** An emptyDir volume and its mount, for the paths a read-only image still writes. */
export function scratch(
  name: string,
  path: string,
  sizeLimit = "64Mi",
): {
  volume: k8s.types.input.core.v1.Volume;
  mount: k8s.types.input.core.v1.VolumeMount;
} {
  return { volume: { name, emptyDir: { sizeLimit } }, mount: { name, mountPath: path } };
}

/** A PodDisruptionBudget keeping all but one pod of `app` up during a drain. */
export function disruptionBudget(
  ctx: KubeContext,
  name: string,
  app: string,
  parent: pulumi.Resource,
): k8s.policy.v1.PodDisruptionBudget {
  return new k8s.policy.v1.PodDisruptionBudget(
    `${name}-pdb`,
    {
      metadata: meta(ctx, name, { labels: labels(app) }),
      spec: { maxUnavailable: 1, selector: { matchLabels: { [APP_LABEL]: app } } },
    },
    { parent },
  );
}

/** A ClusterIP Service (or a headless one, whose DNS lists every pod, ready or not). */
export function serviceOf(
  ctx: KubeContext,
  resourceName: string,
  name: string,
  app: string,
  ports: { name: string; port: number; protocol?: string }[],
  parent: pulumi.Resource,
  headless = false,
): k8s.core.v1.Service {
  return new k8s.core.v1.Service(
    resourceName,
    {
      metadata: meta(ctx, name, { labels: labels(app) }),
      spec: {
        selector: { [APP_LABEL]: app },
        ports: ports.map((p) => ({
          name: p.name,
          port: p.port,
          targetPort: p.port,
          protocol: p.protocol ?? "TCP",
        })),
        ...(headless
          ? { clusterIP: "None", publishNotReadyAddresses: true }
          : { type: "ClusterIP" }),
      },
    },
    { parent },
  );
}

/** A PersistentVolumeClaim that `pulumi destroy` leaves in place, like the Docker volumes. */
export function keptClaim(
  ctx: KubeContext,
  resourceName: string,
  name: string,
  size: string,
  parent: pulumi.Resource,
): k8s.core.v1.PersistentVolumeClaim {
  return new k8s.core.v1.PersistentVolumeClaim(
    resourceName,
    {
      // WaitForFirstConsumer classes bind a claim only once a pod mounts it: do not wait.
      metadata: { ...meta(ctx, name), annotations: { "pulumi.com/skipAwait": "true" } },
      spec: claimSpec(ctx, size),
    },
    { parent, retainOnDelete: true },
  );
}

/** A volumeClaimTemplate of a StatefulSet. */
export function claimTemplate(
  ctx: KubeContext,
  name: string,
  size: string,
): k8s.types.input.core.v1.PersistentVolumeClaim {
  return { metadata: { name }, spec: claimSpec(ctx, size) };
}

/** A claim of `size` on one node at a time, of the stack's StorageClass (or the default). */
function claimSpec(
  ctx: KubeContext,
  size: string,
): k8s.types.input.core.v1.PersistentVolumeClaimSpec {
  return {
    accessModes: ["ReadWriteOnce"],
    resources: { requests: { storage: size } },
    ...(ctx.k.storageClass === undefined ? {} : { storageClassName: ctx.k.storageClass }),
  };
}

/** Pod-level security: the group that owns mounted volumes, and the runtime seccomp profile. */
export function podSecurity(fsGroup?: number): k8s.types.input.core.v1.PodSecurityContext {
  return {
    seccompProfile: { type: "RuntimeDefault" },
    ...(fsGroup === undefined ? {} : { fsGroup, fsGroupChangePolicy: "OnRootMismatch" }),
  };
}
