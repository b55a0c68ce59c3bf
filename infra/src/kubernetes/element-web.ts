/** Element Web on Kubernetes, rendered from the same spec as the Docker target. */
import * as pulumi from "@pulumi/pulumi";
import { HOSTS } from "../components/names";
import { elementWebSpec } from "../services/element-web";
import { specDeployment } from "./from-spec";
import { disruptionBudget, resources, type KubeContext } from "./meta";

/**
 * Element Web's port in the cluster. Since v1.11.90 the image runs nginx as `USER nginx` and
 * listens on ELEMENT_WEB_PORT (80 by default): a non-root process cannot bind 80 on CRI-O or
 * containerd before 2.0 (element-hq/element-web#29020; its Dockerfile), so it listens on 8080.
 */
export const ELEMENT_WEB_KUBE_PORT = 8080;
/** The element-web image's `nginx` user (nginx:alpine-slim). */
const NGINX_UID = 101;

/** Element Web from its {@link elementWebSpec}: several replicas, a PDB. */
export class ElementWeb extends pulumi.ComponentResource {
  constructor(name: string, ctx: KubeContext, opts?: pulumi.ComponentResourceOptions) {
    super("atrium:kubernetes:ElementWeb", name, {}, opts);
    const spec = elementWebSpec(ctx.settings, ELEMENT_WEB_KUBE_PORT);
    const replicas = ctx.k.replicas.elementWeb;
    if (replicas >= 2) disruptionBudget(ctx, HOSTS.elementWeb, HOSTS.elementWeb, this);
    specDeployment(
      ctx,
      name,
      spec,
      {
        replicas,
        user: NGINX_UID,
        // Its entrypoint renders nginx's config into /etc/nginx: the root stays writable.
        readOnlyRoot: false,
        resources: resources("20m", "32Mi", "128Mi"),
        startupMinutes: 1,
      },
      { parent: this },
    );
    this.registerOutputs({});
  }
}
