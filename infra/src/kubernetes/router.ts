/**
 * The router: HAProxy between the Ingress and Synapse's processes, Etherpad's public paths and
 * the pad pages (ESS places HAProxy the same way). Stateless: several replicas behind one
 * Service, each hashing /sync by token the same way (consistent hashing over the same SRV
 * records), so replicas agree without stick tables.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { HOSTS, PORTS } from "../components/names";
import { ETHERPAD_PUBLIC_PATHS } from "../render/caddyfile";
import { renderHaproxyConfig, ROUTER_HEALTH_PATH } from "../render/haproxy";
import { stackWellKnown } from "../services/edge";
import { MAX_WORKER_REPLICAS } from "../synapse-workers";
import {
  configHash,
  disruptionBudget,
  httpProbe,
  meta,
  PRIVATE_RANGES,
  probes,
  resources,
  scratch,
  serviceOf,
  type KubeContext,
} from "./meta";
import { workerRecord, type Synapse } from "./synapse";
import { deployment, onePod } from "./workload";

export const ROUTER_HOST = "atrium-router";
export const ROUTER_PORT = 8080;
/** The haproxy image's user (uid 99 since HAProxy 2.4's images). */
const HAPROXY_UID = 99;

export class Router extends pulumi.ComponentResource {
  readonly haproxyCfg: string;
  /** In-cluster URL of the client API through the router (the appservice uses it). */
  readonly internalUrl = `http://${ROUTER_HOST}:${ROUTER_PORT}`;

  constructor(
    name: string,
    ctx: KubeContext,
    synapse: Synapse,
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super("atrium:kubernetes:Router", name, {}, opts);
    const c = ctx.settings;
    const fqdn = (host: string) => `${host}.${ctx.k.namespace}.svc.${ctx.k.clusterDomain}`;
    this.haproxyCfg = renderHaproxyConfig({
      port: ROUTER_PORT,
      hosts: {
        domain: c.domain,
        homeserverDomain: c.homeserverDomain,
        padDomain: c.padDomain,
        jitsiDomain: c.jitsiDomain,
        // The appservice calls Synapse through here by the Service's name.
        internal: [ROUTER_HOST],
      },
      wellKnown: stackWellKnown(c),
      synapseMain: { kind: "host", host: fqdn(HOSTS.synapse), port: PORTS.synapse },
      pools: synapse.workers.map((w) => ({
        name: `synapse-${w.type}`,
        balance: w.spec.balance,
        paths: w.spec.paths,
        servers: {
          kind: "srv" as const,
          record: workerRecord(w.type, ctx),
          slots: MAX_WORKER_REPLICAS,
        },
      })),
      etherpad: { kind: "host", host: fqdn(HOSTS.etherpad), port: PORTS.etherpad },
      appserviceWeb: { kind: "host", host: fqdn(HOSTS.appservice), port: PORTS.appserviceWeb },
      etherpadPaths: ETHERPAD_PUBLIC_PATHS,
      dns: true,
      // Only the ingress controller (and the appservice) reach the router; both are in-cluster.
      trustedProxies: [...PRIVATE_RANGES.ipv4, ...PRIVATE_RANGES.ipv6],
    });
    const config = new k8s.core.v1.ConfigMap(
      `${name}-config`,
      { metadata: meta(ctx, "atrium-router"), data: { "haproxy.cfg": this.haproxyCfg } },
      { parent: this },
    );
    const app = ROUTER_HOST;
    serviceOf(
      ctx,
      `${name}-service`,
      ROUTER_HOST,
      app,
      [{ name: "http", port: ROUTER_PORT }],
      this,
    );
    if (ctx.k.replicas.router >= 2) disruptionBudget(ctx, app, app, this);
    deployment(
      ctx,
      name,
      app,
      {
        replicas: ctx.k.replicas.router,
        hash: configHash(this.haproxyCfg),
        pod: onePod(
          {
            name: "haproxy",
            image: c.images.haproxy,
            args: ["-f", "/usr/local/etc/haproxy/haproxy.cfg"],
            ports: [{ name: "http", containerPort: ROUTER_PORT }],
            ...probes(httpProbe(ROUTER_HEALTH_PATH, "http"), 1),
            volumeMounts: [{ name: "config", mountPath: "/usr/local/etc/haproxy", readOnly: true }],
          },
          {
            user: HAPROXY_UID,
            readOnlyRoot: true,
            resources: resources("100m", "64Mi", "256Mi"),
            volumes: [scratch("tmp", "/tmp", "16Mi")],
            pod: { volumes: [{ name: "config", configMap: { name: config.metadata.name } }] },
          },
        ),
      },
      { parent: this },
    );
    this.registerOutputs({});
  }
}
