/**
 * The Kubernetes rendering of a {@link ServiceSpec}: the container (image, args, env, ports,
 * probes), its config files as one Secret mounted per folder, and the hash that rolls the pods.
 */
import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { ServiceSpec } from "../services/spec";
import { configHash, execProbe, probes, secretOf, type KubeContext } from "./meta";

type Container = k8s.types.input.core.v1.Container;
type Volume = k8s.types.input.core.v1.Volume;
type VolumeMount = k8s.types.input.core.v1.VolumeMount;

/** `atrium-<name>`: the spec's workload, app label and config Secret. */
export function appName(spec: ServiceSpec): string {
  return `atrium-${spec.name}`;
}

/** The spec's container; `hostPorts` binds its ports on the node as well (host network). */
export function specContainer(
  spec: ServiceSpec,
  o: { hostPorts: boolean; startupMinutes?: number },
): Container {
  const env = Object.entries(spec.env).map(([name, value]) => ({ name, value }));
  return {
    name: spec.name,
    image: spec.image,
    args: [...spec.args],
    ...(env.length === 0 ? {} : { env }),
    ports: spec.ports.map((p) => ({
      name: p.name,
      containerPort: p.port,
      ...(o.hostPorts ? { hostPort: p.port } : {}),
      protocol: p.protocol === "udp" ? "UDP" : "TCP",
    })),
    ...probes(execProbe([...spec.health]), o.startupMinutes),
  };
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
    mounts: dirs.map((dir, i) => ({ name: volName(i), mountPath: dir, readOnly: true })),
    hash: configHash(...spec.files.map((f) => f.content)),
  };
}
