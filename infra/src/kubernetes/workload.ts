/**
 * The workloads every Kubernetes service of the stack runs as: Deployments, StatefulSets and
 * DaemonSets of one app, labelled and selected the same way, their pods rolled by a config hash.
 */
import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { CONFIG_HASH_ANNOTATION, labels, meta, type KubeContext } from "./meta";

type PodSpec = k8s.types.input.core.v1.PodSpec;
type Claim = k8s.types.input.core.v1.PersistentVolumeClaim;

/** What runs in a workload's pods. */
export interface Pods {
  readonly pod: PodSpec;
  /** Labels beyond the app's own, on the workload and its pods (not in the selector). */
  readonly labels?: Record<string, string>;
  /** The hash of the pods' config ({@link configHash}): a new one rolls them. */
  readonly hash?: pulumi.Input<string>;
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
