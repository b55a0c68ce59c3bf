/**
 * The workloads every Kubernetes service of the stack runs as: Deployments, StatefulSets and
 * DaemonSets of one app, labelled and selected the same way, their pods rolled by a config hash.
 */
import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import {
  CONFIG_HASH_ANNOTATION,
  hardened,
  labels,
  meta,
  podSecurity,
  type KubeContext,
} from "./meta";

/** The Kubernetes input types the components build pods from. */
export type PodSpec = k8s.types.input.core.v1.PodSpec;
export type Container = k8s.types.input.core.v1.Container;
export type Volume = k8s.types.input.core.v1.Volume;
export type VolumeMount = k8s.types.input.core.v1.VolumeMount;
type Claim = k8s.types.input.core.v1.PersistentVolumeClaim;

/** What runs in a workload's pods. */
export interface Pods {
  readonly pod: PodSpec;
  /** Labels beyond the app's own, on the workload and its pods (not in the selector). */
  readonly labels?: Record<string, string>;
  /** The hash of the pods' config ({@link configHash}): a new one rolls them. */
  readonly hash?: pulumi.Input<string>;
}

/** How a pod of the stack runs its one container. */
export interface PodSettings {
  /** The image's user, which runs the container (non-root). */
  readonly user: number;
  /** The pod's volumes belong to the user's group (fsGroup): the container writes them. */
  readonly ownsVolumes?: boolean;
  /** A read-only root filesystem: the image writes only to mounted volumes. */
  readonly readOnlyRoot: boolean;
  /** Capabilities kept in the bounding set (all others dropped). */
  readonly keepCapabilities?: string[];
  readonly resources: k8s.types.input.core.v1.ResourceRequirements;
  /** Volumes mounted after the container's own (scratch space, claims). */
  readonly volumes?: readonly { volume: Volume; mount: VolumeMount }[];
  /** Pod settings beyond the usual (node selection, host network, its own volumes). */
  readonly pod?: Partial<PodSpec>;
}

/**
 * A pod of one container running as the image's user: no privilege escalation, no
 * capabilities beyond those kept, the runtime's seccomp profile, requests and a memory limit.
 */
export function onePod(container: Container, o: PodSettings): PodSpec {
  const more = o.volumes ?? [];
  const context = hardened({ user: o.user, readOnlyRoot: o.readOnlyRoot });
  return {
    securityContext: podSecurity(o.ownsVolumes === true ? o.user : undefined),
    ...o.pod,
    containers: [
      {
        ...container,
        securityContext:
          o.keepCapabilities === undefined
            ? context
            : { ...context, capabilities: { drop: ["ALL"], add: o.keepCapabilities } },
        resources: o.resources,
        volumeMounts: [
          ...((container.volumeMounts as VolumeMount[] | undefined) ?? []),
          ...more.map((v) => v.mount),
        ],
      },
    ],
    volumes: [...((o.pod?.volumes as Volume[] | undefined) ?? []), ...more.map((v) => v.volume)],
  };
}

/** The pod template of `app` (Jobs and CronJobs use it as it is). */
export function podTemplate(app: string, o: Pods): k8s.types.input.core.v1.PodTemplateSpec {
  return {
    metadata: {
      labels: labels(app, o.labels),
      ...(o.hash === undefined ? {} : { annotations: { [CONFIG_HASH_ANNOTATION]: o.hash } }),
    },
    spec: o.pod,
  };
}

/** Metadata, selector and pod template, the part every workload of `app` shares. */
function workload(ctx: KubeContext, name: string, app: string, o: Pods) {
  return {
    metadata: meta(ctx, name, { labels: labels(app, o.labels) }),
    selector: { matchLabels: labels(app) },
    template: podTemplate(app, o),
  };
}

/**
 * A Deployment of `app`: `single` is one pod replaced with Recreate, never two at once; a number
 * of replicas rolls one extra pod at a time with none down when `surge`, else by Kubernetes'
 * default.
 */
export function deployment(
  ctx: KubeContext,
  resourceName: string,
  app: string,
  o: Pods & { replicas: number | "single"; surge?: boolean },
  opts: pulumi.CustomResourceOptions,
): k8s.apps.v1.Deployment {
  const { metadata, ...spec } = workload(ctx, app, app, o);
  const strategy =
    o.replicas === "single"
      ? { type: "Recreate" }
      : o.surge === true
        ? { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } }
        : undefined;
  return new k8s.apps.v1.Deployment(
    resourceName,
    {
      metadata,
      spec: {
        replicas: o.replicas === "single" ? 1 : o.replicas,
        ...(strategy === undefined ? {} : { strategy }),
        ...spec,
      },
    },
    opts,
  );
}

/**
 * A StatefulSet of `app`, named `name` (default the app) like the headless Service that names
 * its pods; `parallel` starts and stops them all at once; `claims` are per-pod volumes.
 */
export function statefulSet(
  ctx: KubeContext,
  resourceName: string,
  app: string,
  o: Pods & { replicas: number; name?: string; parallel?: boolean; claims?: Claim[] },
  opts: pulumi.CustomResourceOptions,
): k8s.apps.v1.StatefulSet {
  const name = o.name ?? app;
  const { metadata, ...spec } = workload(ctx, name, app, o);
  return new k8s.apps.v1.StatefulSet(
    resourceName,
    {
      metadata,
      spec: {
        replicas: o.replicas,
        serviceName: name,
        ...(o.parallel === true ? { podManagementPolicy: "Parallel" } : {}),
        ...spec,
        ...(o.claims === undefined ? {} : { volumeClaimTemplates: o.claims }),
      },
    },
    opts,
  );
}

/** A DaemonSet of `app` (one pod per matching node), replaced one node at a time. */
export function daemonSet(
  ctx: KubeContext,
  resourceName: string,
  app: string,
  o: Pods,
  opts: pulumi.CustomResourceOptions,
): k8s.apps.v1.DaemonSet {
  const { metadata, ...spec } = workload(ctx, app, app, o);
  return new k8s.apps.v1.DaemonSet(
    resourceName,
    {
      metadata,
      spec: {
        ...spec,
        updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1 } },
      },
    },
    opts,
  );
}
