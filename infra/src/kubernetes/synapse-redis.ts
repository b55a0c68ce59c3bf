/** Redis for Synapse's worker replication on Kubernetes. */
import type * as pulumi from "@pulumi/pulumi";
import {
  hardened,
  podSecurity,
  probes,
  resources,
  scratch,
  serviceOf,
  type KubeContext,
} from "./meta";
import { deployment } from "./workload";

/** Redis's Service and host name. */
export const REDIS_HOST = "atrium-synapse-redis";

/** Redis for replication: one pod, nothing persisted (ESS's redis.conf does the same). */
export function synapseRedis(parent: pulumi.Resource, name: string, ctx: KubeContext): void {
  const app = REDIS_HOST;
  serviceOf(ctx, `${name}-redis-service`, app, app, [{ name: "redis", port: 6379 }], parent);
  const data = scratch("data", "/data", "64Mi");
  deployment(
    ctx,
    `${name}-redis`,
    app,
    {
      replicas: "single",
      pod: {
        securityContext: podSecurity(999),
        containers: [
          {
            name: "redis",
            image: ctx.settings.images.redis,
            args: ["--save", "", "--appendonly", "no"],
            ports: [{ name: "redis", containerPort: 6379 }],
            ...probes({ tcpSocket: { port: "redis" }, periodSeconds: 10 }, 1),
            securityContext: hardened({ user: 999, readOnlyRoot: true }),
            resources: resources("50m", "64Mi", "512Mi"),
            volumeMounts: [data.mount],
          },
        ],
        volumes: [data.volume],
      },
    },
    { parent },
  );
}
