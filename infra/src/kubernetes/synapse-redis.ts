/** Redis for Synapse's worker replication on Kubernetes. */
import type * as pulumi from "@pulumi/pulumi";
import { probes, resources, scratch, serviceOf, type KubeContext } from "./meta";
import { deployment, onePod } from "./workload";

/** Redis's Service and host name. */
export const REDIS_HOST = "atrium-synapse-redis";
/** The redis image's user (alpine's redis). */
const REDIS_UID = 999;

/** Redis for replication: one pod, nothing persisted (ESS's redis.conf does the same). */
export function synapseRedis(parent: pulumi.Resource, name: string, ctx: KubeContext): void {
  const app = REDIS_HOST;
  serviceOf(ctx, `${name}-redis-service`, app, app, [{ name: "redis", port: 6379 }], parent);
  deployment(
    ctx,
    `${name}-redis`,
    app,
    {
      replicas: "single",
      pod: onePod(
        {
          name: "redis",
          image: ctx.settings.images.redis,
          args: ["--save", "", "--appendonly", "no"],
          ports: [{ name: "redis", containerPort: 6379 }],
          ...probes({ tcpSocket: { port: "redis" }, periodSeconds: 10 }, 1),
        },
        {
          user: REDIS_UID,
          ownsVolumes: true,
          readOnlyRoot: true,
          resources: resources("50m", "64Mi", "512Mi"),
          volumes: [scratch("data", "/data", "64Mi")],
        },
      ),
    },
    { parent },
  );
}
