/** Element Web on Kubernetes: static files and config.json, several replicas. */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { matrixRtcEnabled } from "../calls";
import { HOSTS } from "../components/names";
import { renderElementConfig } from "../render/element-config";
import {
  configHash,
  disruptionBudget,
  hardened,
  httpProbe,
  meta,
  podSecurity,
  probes,
  resources,
  serviceOf,
  type KubeContext,
} from "./meta";
import { deployment } from "./workload";

/**
 * Element Web's port in the cluster. Since v1.11.90 the image runs nginx as `USER nginx` and
 * listens on ELEMENT_WEB_PORT (80 by default): a non-root process cannot bind 80 on CRI-O or
 * containerd before 2.0 (element-hq/element-web#29020; its Dockerfile), so it listens on 8080.
 */
export const ELEMENT_WEB_KUBE_PORT = 8080;
/** The element-web image's `nginx` user (nginx:alpine-slim). */
const NGINX_UID = 101;

/** Element Web: static files and config.json (no secret), several replicas, a PDB. */
export class ElementWeb extends pulumi.ComponentResource {
  constructor(name: string, ctx: KubeContext, opts?: pulumi.ComponentResourceOptions) {
    super("atrium:kubernetes:ElementWeb", name, {}, opts);
    const c = ctx.settings;
    const configJson = renderElementConfig({
      homeserverUrl: `https://${c.homeserverDomain}`,
      serverName: c.domain,
      jitsiDomain: c.jitsiDomain,
      integrationManagerUrl: `https://${c.imDomain}`,
      elementCall: matrixRtcEnabled(c),
    });
    const config = new k8s.core.v1.ConfigMap(
      `${name}-config`,
      { metadata: meta(ctx, HOSTS.elementWeb), data: { "config.json": configJson } },
      { parent: this },
    );
    const app = HOSTS.elementWeb;
    serviceOf(
      ctx,
      `${name}-service`,
      app,
      app,
      [{ name: "http", port: ELEMENT_WEB_KUBE_PORT }],
      this,
    );
    const replicas = ctx.k.replicas.elementWeb;
    if (replicas >= 2) disruptionBudget(ctx, app, app, this);
    deployment(
      ctx,
      name,
      app,
      {
        replicas,
        surge: true,
        hash: configHash(configJson),
        pod: {
          securityContext: podSecurity(),
          containers: [
            {
              name: "element-web",
              image: c.images.elementWeb,
              env: [{ name: "ELEMENT_WEB_PORT", value: String(ELEMENT_WEB_KUBE_PORT) }],
              ports: [{ name: "http", containerPort: ELEMENT_WEB_KUBE_PORT }],
              ...probes(httpProbe("/config.json", "http"), 1),
              // The image's own user; its entrypoint renders nginx's config into /etc/nginx,
              // so the root filesystem stays writable.
              securityContext: hardened({ user: NGINX_UID, readOnlyRoot: false }),
              resources: resources("20m", "32Mi", "128Mi"),
              volumeMounts: [
                {
                  name: "config",
                  mountPath: "/app/config.json",
                  subPath: "config.json",
                  readOnly: true,
                },
              ],
            },
          ],
          volumes: [{ name: "config", configMap: { name: config.metadata.name } }],
        },
      },
      { parent: this },
    );
    this.registerOutputs({});
  }
}
