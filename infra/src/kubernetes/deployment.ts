/** The Deployment every stateless Kubernetes service of the stack runs as. */
import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { CONFIG_HASH_ANNOTATION, labels, meta, type KubeContext } from "./meta";

type PodSpec = k8s.types.input.core.v1.PodSpec;

/** A Deployment of `app`: `single` ones are one pod replaced with Recreate, never two at once. */
export function deployment(
  ctx: KubeContext,
  resourceName: string,
  app: string,
  o: { replicas: number; single: boolean; hash?: pulumi.Input<string>; pod: PodSpec },
  opts: pulumi.CustomResourceOptions,
): k8s.apps.v1.Deployment {
  return new k8s.apps.v1.Deployment(
    resourceName,
    {
      metadata: meta(ctx, app, { labels: labels(app) }),
      spec: {
        replicas: o.single ? 1 : o.replicas,
        strategy: o.single
          ? { type: "Recreate" }
          : { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
        selector: { matchLabels: labels(app) },
        template: {
          metadata: {
            labels: labels(app),
            ...(o.hash === undefined ? {} : { annotations: { [CONFIG_HASH_ANNOTATION]: o.hash } }),
          },
          spec: o.pod,
        },
      },
    },
    opts,
  );
}
