/**
 * Jitsi on Kubernetes (jitsi-contrib/jitsi-helm's shape): web as a Deployment that scales,
 * prosody as a one-pod StatefulSet (it holds every session: more means another Jitsi shard),
 * jicofo once, and videobridges either one per labelled node on a hostPort, advertising the
 * node's address, or as a StatefulSet whose bridge i owns UDP jvbPort+i behind its own
 * LoadBalancer. Bridges drain before they stop.
 */
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { HOSTS } from "../components/names";
import { jitsiEnvs } from "../services/jitsi";
import { jitsiRelease } from "../jitsi-release";
import {
  claimTemplate,
  configHash,
  disruptionBudget,
  execProbe,
  hardened,
  httpProbe,
  podSecurity,
  probes,
  resources,
  scratch,
  secretOf,
  serviceOf,
  type KubeContext,
} from "./meta";
import { jitsiBridges } from "./jvb";
import {
  deployment,
  statefulSet,
  type Container,
  type Pods,
  type Volume,
  type VolumeMount,
} from "./workload";

export { JVB_DRAIN_ENV, JVB_DRAIN_SECONDS, JVB_PRESTOP, JVB_WS_PORT } from "./jvb";

/** Prosody's ports: client-to-server (jicofo, jvb), HTTP (BOSH and WebSocket from web). */
export const PROSODY_PORTS = { c2s: 5222, http: 5280 } as const;
/** The user and group of the rootless Jitsi images (`s6`, 1000:1000; jitsi-helm's defaults). */
export const JITSI_UID = 1000;

/**
 * Every Jitsi container: s6-overlay v3's preinit refuses a root-owned, world-writable /run
 * unless told it is on Kubernetes, and an emptyDir on /run is exactly that (jitsi-helm sets the
 * same variable; just-containers/s6-overlay `libexec/preinit`).
 */
export const S6_KUBERNETES_ENV = {
  name: "S6_YES_I_WANT_A_WORLD_WRITABLE_RUN_BECAUSE_KUBERNETES",
  value: "1",
} as const;

/** "K=V" entries (some secret) as one Secret's data, later keys winning. */
function envData(
  entries: pulumi.Input<string>[],
  overrides: Record<string, string>,
): pulumi.Output<Record<string, string>> {
  return pulumi.all(entries).apply((items) => ({
    ...Object.fromEntries(
      items.map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)]),
    ),
    ...overrides,
  }));
}

export class Jitsi extends pulumi.ComponentResource {
  constructor(name: string, ctx: KubeContext, opts?: pulumi.ComponentResourceOptions) {
    super("atrium:kubernetes:Jitsi", name, {}, opts);
    const { settings: c, secrets: s } = ctx;
    const release = jitsiRelease(c.images.jitsiWeb);
    // In the cluster prosody is reached by its Service's name, not docker-jitsi-meet's alias.
    const xmpp = {
      XMPP_SERVER: HOSTS.prosody,
      XMPP_BOSH_URL_BASE: `http://${HOSTS.prosody}:${PROSODY_PORTS.http}`,
    };
    const envs = jitsiEnvs(c, s, HOSTS.prosody);
    const parts = {
      prosody: envData(envs.prosody, xmpp),
      jicofo: envData(envs.jicofo, xmpp),
      jvb: envData(envs.jvb, xmpp),
      web: envData(envs.web, xmpp),
    };
    for (const [part, data] of Object.entries(parts))
      secretOf(ctx, `${name}-${part}-env`, `atrium-jitsi-${part}-env`, data, this);
    const hashOf = (part: keyof typeof parts) =>
      configHash(parts[part].apply((d) => JSON.stringify(d)));
    // Rootless releases render their config into /run and /config on a read-only root.
    const writable = (runSize: string) => {
      const dirs = [
        scratch("run", "/run", runSize),
        scratch("tmp", "/tmp", "16Mi"),
        scratch("config", "/config", "64Mi"),
      ];
      return { volumes: dirs.map((d) => d.volume), mounts: dirs.map((d) => d.mount) };
    };
    const container = (
      part: keyof typeof parts,
      image: string,
      runSize: string,
      extra: Partial<Container>,
    ): Container => ({
      name: part,
      image,
      envFrom: [{ secretRef: { name: `atrium-jitsi-${part}-env` } }],
      securityContext: hardened({
        readOnlyRoot: release.rootless,
        ...(release.rootless ? { user: JITSI_UID } : {}),
      }),
      ...extra,
      env: [
        S6_KUBERNETES_ENV,
        ...((extra.env as k8s.types.input.core.v1.EnvVar[] | undefined) ?? []),
      ],
      volumeMounts: [
        ...writable(runSize).mounts,
        ...((extra.volumeMounts as VolumeMount[] | undefined) ?? []),
      ],
    });
    const health = probes(execProbe(["/usr/local/bin/healthcheck.sh"]), 3);
    const pods = (
      part: keyof typeof parts,
      runSize: string,
      spec: { containers: Container[]; volumes?: Volume[] } & Record<string, unknown>,
    ): Pods => ({
      hash: hashOf(part),
      pod: {
        // fsGroup: the volumes (prosody's claim) writable by the image's user.
        securityContext: podSecurity(release.rootless ? JITSI_UID : undefined),
        ...spec,
        volumes: [...writable(runSize).volumes, ...(spec.volumes ?? [])],
      },
    });

    // prosody: exactly one (jitsi-helm writes replicas: 1 into its template; jitsi-helm#89).
    serviceOf(
      ctx,
      `${name}-prosody-service`,
      HOSTS.prosody,
      HOSTS.prosody,
      [
        { name: "c2s", port: PROSODY_PORTS.c2s },
        { name: "http", port: PROSODY_PORTS.http },
      ],
      this,
    );
    statefulSet(
      ctx,
      `${name}-prosody`,
      HOSTS.prosody,
      {
        replicas: 1,
        ...pods("prosody", "16Mi", {
          containers: [
            container("prosody", c.images.jitsiProsody, "16Mi", {
              ports: [
                { name: "c2s", containerPort: PROSODY_PORTS.c2s },
                { name: "http", containerPort: PROSODY_PORTS.http },
              ],
              ...health,
              resources: resources("100m", "128Mi", "512Mi"),
              volumeMounts: [{ name: "data", mountPath: "/var/lib/prosody" }],
            }),
          ],
        }),
        claims: [claimTemplate(ctx, "data", "1Gi")],
      },
      { parent: this },
    );

    // jicofo: one per shard, never two during a rollout.
    deployment(
      ctx,
      `${name}-jicofo`,
      HOSTS.jicofo,
      {
        replicas: "single",
        ...pods("jicofo", "32Mi", {
          containers: [
            container("jicofo", c.images.jitsiJicofo, "32Mi", {
              ...health,
              resources: resources("100m", "512Mi", "1Gi"),
            }),
          ],
        }),
      },
      { parent: this },
    );

    // web: stateless, scales; a PDB keeps one up through drains.
    serviceOf(
      ctx,
      `${name}-web-service`,
      HOSTS.jitsiWeb,
      HOSTS.jitsiWeb,
      [{ name: "http", port: release.webPort }],
      this,
    );
    if (ctx.k.replicas.jitsiWeb >= 2) disruptionBudget(ctx, HOSTS.jitsiWeb, HOSTS.jitsiWeb, this);
    deployment(
      ctx,
      `${name}-web`,
      HOSTS.jitsiWeb,
      {
        replicas: ctx.k.replicas.jitsiWeb,
        ...pods("web", "16Mi", {
          containers: [
            container("web", c.images.jitsiWeb, "16Mi", {
              ports: [{ name: "http", containerPort: release.webPort }],
              ...probes(httpProbe("/", "http"), 2),
              resources: resources("50m", "64Mi", "256Mi"),
            }),
          ],
        }),
      },
      { parent: this },
    );

    jitsiBridges(this, name, ctx, container, (spec) => pods("jvb", "32Mi", spec), health);
    this.registerOutputs({});
  }
}
