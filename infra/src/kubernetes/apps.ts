/**
 * The single-replica services on Kubernetes: Etherpad, the Atrium appservice and Element Web's
 * static files (which may scale).
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { matrixRtcEnabled } from "../calls";
import { APPSERVICE_PATHS, atriumConfigYaml } from "../components/appservice";
import { HOSTS, PORTS } from "../components/names";
import { renderElementConfig } from "../render/element-config";
import { etherpadSpec } from "../services/etherpad";
import { filePath } from "../services/spec";
import { appName, portsOf, probeOf } from "./from-spec";
import {
  CONFIG_HASH_ANNOTATION,
  configHash,
  disruptionBudget,
  hardened,
  httpProbe,
  keptClaim,
  labels,
  meta,
  podSecurity,
  probes,
  resources,
  scratch,
  secretOf,
  serviceOf,
  type KubeContext,
} from "./meta";
import type { DbConnection } from "./postgres";

type PodSpec = k8s.types.input.core.v1.PodSpec;

/** A Deployment of `app`: `single` ones are one pod replaced with Recreate, never two at once. */
function deployment(
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

/** Etherpad's uid in the official image. */
const ETHERPAD_UID = 5001;

/**
 * Etherpad: exactly one replica, replaced with Recreate. Two Etherpads on one database corrupt
 * pads — ueberDB's write cache, the pad cache and socket.io rooms live in the process
 * (ether/etherpad#3335, #2826, #3680); scale by sharding pads over separate instances
 * (etherpad-proxy), not by replicas.
 */
export class Etherpad extends pulumi.ComponentResource {
  readonly internalUrl = `http://${HOSTS.etherpad}:${PORTS.etherpad}`;

  constructor(
    name: string,
    ctx: KubeContext,
    args: { db: DbConnection; after: pulumi.Resource[] },
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super("atrium:kubernetes:Etherpad", name, {}, opts);
    const spec = etherpadSpec(ctx.settings, ctx.secrets, {
      host: args.db.host,
      port: args.db.port,
      ssl: args.db.sslMode !== "disable",
    });
    const files = Object.fromEntries(spec.files.map((f) => [f.name, f.content]));
    secretOf(ctx, `${name}-files`, appName(spec), files, this);
    const app = HOSTS.etherpad;
    serviceOf(ctx, `${name}-service`, app, app, [{ name: "http", port: PORTS.etherpad }], this);
    const v = scratch("var", spec.varDir, "256Mi");
    // Each file on its own (subPath): the folder is the image's install tree.
    const fileMounts = spec.files.map((f) => ({
      name: "files",
      mountPath: filePath(f),
      subPath: f.name,
      readOnly: true,
    }));
    deployment(
      ctx,
      name,
      app,
      {
        replicas: 1,
        single: true,
        hash: configHash(...Object.values(files)),
        pod: {
          securityContext: podSecurity(ETHERPAD_UID),
          containers: [
            {
              name: spec.name,
              image: spec.image,
              ports: portsOf(spec),
              ...probes(probeOf(spec)),
              // Not read-only: Etherpad writes caches inside its install tree at start (guess:
              // not verified against 2.5.3, so the safer setting stays).
              securityContext: hardened({ user: ETHERPAD_UID, readOnlyRoot: false }),
              resources: resources("250m", "512Mi", "2Gi"),
              volumeMounts: [...fileMounts, v.mount],
            },
          ],
          volumes: [{ name: "files", secret: { secretName: appName(spec) } }, v.volume],
        },
      },
      { parent: this, dependsOn: args.after },
    );
    this.registerOutputs({});
  }
}

/** The appservice image's user (`node`, uid 1000). */
const NODE_UID = 1000;

/**
 * The appservice: one replica, Recreate. Synapse sends an appservice one transaction at a
 * time, and the appservice's store lock refuses a second processor on one database; a rolling
 * update's surge pod would only wait on that lock.
 */
export class Appservice extends pulumi.ComponentResource {
  readonly configYaml: pulumi.Output<string>;

  constructor(
    name: string,
    ctx: KubeContext,
    args: {
      db: DbConnection;
      synapseUrl: string;
      etherpadUrl: string;
      registrationYaml: pulumi.Input<string>;
      after: pulumi.Resource[];
    },
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super("atrium:kubernetes:Appservice", name, {}, opts);
    this.configYaml = atriumConfigYaml(ctx.settings, ctx.secrets, {
      synapseUrl: args.synapseUrl,
      etherpadUrl: args.etherpadUrl,
      database: {
        host: args.db.host,
        port: args.db.port,
        ...(args.db.sslMode === "disable" ? {} : { sslMode: args.db.sslMode }),
      },
    });
    const files = { "config.yaml": this.configYaml, "registration.yaml": args.registrationYaml };
    secretOf(ctx, `${name}-files`, "atrium-appservice", files, this);
    const app = HOSTS.appservice;
    serviceOf(
      ctx,
      `${name}-service`,
      app,
      app,
      [
        { name: "appservice", port: PORTS.appservice },
        { name: "web", port: PORTS.appserviceWeb },
        { name: "im", port: PORTS.appserviceIm },
      ],
      this,
    );
    const tmp = scratch("tmp", "/tmp", "64Mi");
    // The bot's crypto store (one writer: this single Recreate replica), kept on destroy.
    const data = keptClaim(ctx, `${name}-data`, "atrium-appservice-data", "1Gi", this);
    deployment(
      ctx,
      name,
      app,
      {
        replicas: 1,
        single: true,
        hash: configHash(...Object.values(files)),
        pod: {
          securityContext: podSecurity(NODE_UID),
          containers: [
            {
              name: "appservice",
              image: ctx.k.appserviceImage,
              args: ["-c", APPSERVICE_PATHS.config, "-f", APPSERVICE_PATHS.registration],
              env: [{ name: "NODE_ENV", value: "production" }],
              ports: [
                { name: "appservice", containerPort: PORTS.appservice },
                { name: "web", containerPort: PORTS.appserviceWeb },
                { name: "im", containerPort: PORTS.appserviceIm },
              ],
              ...probes(httpProbe("/health", "appservice")),
              securityContext: hardened({ user: NODE_UID, readOnlyRoot: true }),
              resources: resources("100m", "256Mi", "1Gi"),
              volumeMounts: [
                { name: "files", mountPath: "/config", readOnly: true },
                { name: "data", mountPath: APPSERVICE_PATHS.data },
                tmp.mount,
              ],
            },
          ],
          volumes: [
            { name: "files", secret: { secretName: "atrium-appservice" } },
            { name: "data", persistentVolumeClaim: { claimName: data.metadata.name } },
            tmp.volume,
          ],
        },
      },
      { parent: this, dependsOn: args.after },
    );
    this.registerOutputs({});
  }
}

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
        single: false,
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
