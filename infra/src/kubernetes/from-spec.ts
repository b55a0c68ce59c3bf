/**
 * The Kubernetes rendering of a {@link ServiceSpec}: the container (image, args, env, ports,
 * probes), its config files as one Secret mounted per folder, and the hash that rolls the pods.
 */
import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { filePath, type ServiceSpec } from "../services/spec";
import {
  configHash,
  execProbe,
  httpProbe,
  probes,
  secretOf,
  serviceOf,
  type KubeContext,
} from "./meta";
import {
  deployment,
  onePod,
  type Container,
  type PodSettings,
  type Pods,
  type Volume,
  type VolumeMount,
} from "./workload";

/** `atrium-<name>`: the spec's workload, app label and config Secret. */
export function appName(spec: ServiceSpec): string {
  return `atrium-${spec.name}`;
}

/** The spec's container; `hostPorts` binds its ports on the node as well (host network). */
export function specContainer(
  spec: ServiceSpec,
  o: { hostPorts: boolean; startupMinutes?: number },
): Container {
  const env = envOf(spec.env);
  return {
    name: spec.name,
    image: spec.image,
    ...(spec.args.length === 0 ? {} : { args: [...spec.args] }),
    ...(env.length === 0 ? {} : { env }),
    ports: portsOf(spec, o.hostPorts),
    ...probes(probeOf(spec), o.startupMinutes),
  };
}

/** The spec's health check as a probe. */
export function probeOf(spec: ServiceSpec): k8s.types.input.core.v1.Probe {
  const h = spec.health;
  return "command" in h ? execProbe([...h.command]) : httpProbe(h.http.path, h.http.port);
}

/** Variables (a spec's env) as container env entries. */
export function envOf(
  env: Readonly<Record<string, pulumi.Input<string>>>,
): k8s.types.input.core.v1.EnvVar[] {
  return Object.entries(env).map(([name, value]) => ({ name, value }));
}

/** The spec's ports as container ports; those reached from outside (or all, `hostPorts`) bound on the node. */
export function portsOf(
  spec: ServiceSpec,
  hostPorts = false,
): k8s.types.input.core.v1.ContainerPort[] {
  return spec.ports.map((p) => ({
    name: p.name,
    containerPort: p.port,
    ...(hostPorts || p.outside === true ? { hostPort: p.port } : {}),
    protocol: p.protocol === "udp" ? "UDP" : "TCP",
  }));
}

/**
 * The spec's config files in one Secret (`atrium-<name>`, a key per file name), and the
 * volume and read-only mount for each folder they sit in.
 */
export function specConfig(
  ctx: KubeContext,
  resourceName: string,
  spec: ServiceSpec,
  parent: pulumi.Resource,
): { volumes: Volume[]; mounts: VolumeMount[]; hash: pulumi.Output<string> } {
  const name = appName(spec);
  secretOf(
    ctx,
    resourceName,
    name,
    Object.fromEntries(spec.files.map((f) => [f.name, f.content])),
    parent,
  );
  const dirs = [...new Set(spec.files.map((f) => f.dir))];
  const volName = (i: number): string => (i === 0 ? "config" : `config-${i}`);
  return {
    volumes: dirs.map((dir, i) => ({
      name: volName(i),
      secret: {
        secretName: name,
        ...(dirs.length === 1
          ? {}
          : {
              items: spec.files
                .filter((f) => f.dir === dir)
                .map((f) => ({ key: f.name, path: f.name })),
            }),
      },
    })),
    // A folder that holds the image's own files gets each file mounted alone.
    mounts: dirs.flatMap((dir, i) => {
      const files = spec.files.filter((f) => f.dir === dir);
      if (!files.some((f) => f.amongImageFiles === true))
        return [{ name: volName(i), mountPath: dir, readOnly: true }];
      return files.map((f) => ({
        name: volName(i),
        mountPath: filePath(f),
        subPath: f.name,
        readOnly: true,
      }));
    }),
    hash: configHash(...spec.files.map((f) => f.content)),
  };
}

/** What the cluster adds to a spec to run its pods. */
export interface SpecPodOptions extends PodSettings {
  /** Binds every port on the node as well (host network). */
  readonly hostPorts?: boolean;
  /** How long start-up may take before liveness counts. */
  readonly startupMinutes?: number;
  /** Container settings beyond the spec's. */
  readonly container?: Partial<Container>;
}

/**
 * The pods of a spec: its config Secret (`<resourceName>`), its container ({@link onePod}) with
 * the config files mounted before the further volumes, rolled by the files' hash.
 */
export function specPods(
  ctx: KubeContext,
  resourceName: string,
  spec: ServiceSpec,
  o: SpecPodOptions,
  parent: pulumi.Resource,
): Pods {
  const config = specConfig(ctx, resourceName, spec, parent);
  const container = {
    ...specContainer(spec, {
      hostPorts: o.hostPorts === true,
      ...(o.startupMinutes === undefined ? {} : { startupMinutes: o.startupMinutes }),
    }),
    volumeMounts: config.mounts,
    ...o.container,
  };
  return {
    hash: config.hash,
    pod: onePod(container, { ...o, pod: { ...o.pod, volumes: config.volumes } }),
  };
}

/** How many pods of a spec run, and what the cluster adds to it. */
export interface SpecDeploymentOptions extends SpecPodOptions {
  /** `single`: one pod, replaced with Recreate; a number rolls one extra pod at a time. */
  readonly replicas: number | "single";
  /** The config Secret's resource name (default `<name>-config`). */
  readonly secretResource?: string;
}

/**
 * A spec as a Deployment `atrium-<name>` with its pods ({@link specPods}) and a Service for the
 * ports reached from inside the cluster (those reached from outside are bound on the node).
 */
export function specDeployment(
  ctx: KubeContext,
  name: string,
  spec: ServiceSpec,
  o: SpecDeploymentOptions,
  opts: pulumi.CustomResourceOptions & { parent: pulumi.Resource },
): void {
  const app = appName(spec);
  const inside = spec.ports.filter((p) => p.outside !== true);
  const ports = inside.map((p) => ({ name: p.name, port: p.port }));
  serviceOf(ctx, `${name}-service`, app, app, ports, opts.parent);
  const pods = specPods(ctx, o.secretResource ?? `${name}-config`, spec, o, opts.parent);
  deployment(
    ctx,
    name,
    app,
    { replicas: o.replicas, ...(o.replicas === "single" ? {} : { surge: true }), ...pods },
    opts,
  );
}
