/** The Docker rendering of a {@link ServiceSpec}: env lines, published ports, uploads, health. */
import type * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { filePath, portNamed, type ServicePort, type ServiceSpec } from "../services/spec";
import {
  pinnedImage,
  serviceContainer,
  type FileUpload,
  type NetworkAttachment,
  type VolumeMount,
} from "./container";

/** Variables as Docker's `NAME=value` lines. */
export function envLines(
  env: Readonly<Record<string, pulumi.Input<string>>>,
): pulumi.Output<string>[] {
  return Object.entries(env).map(([k, v]) => pulumi.interpolate`${k}=${v}`);
}

/** The spec's env as Docker's `NAME=value` lines. */
export function dockerEnvs(spec: ServiceSpec): pulumi.Output<string>[] {
  return envLines(spec.env);
}

/** The ports reached from outside, published on the host at the same number. */
export function publishedPorts(ports: readonly ServicePort[]): docker.types.input.ContainerPort[] {
  return ports
    .filter((p) => p.outside === true)
    .map((p) => ({ internal: p.port, external: p.port, protocol: p.protocol }));
}

/** The spec's config files, copied in before the container starts. */
export function uploadsOf(spec: ServiceSpec): FileUpload[] {
  return spec.files.map((f) => ({ path: filePath(f), content: f.content }));
}

/** The spec's health check as a Docker `HEALTHCHECK` test (an HTTP check runs curl). */
export function healthcheckOf(spec: ServiceSpec): string[] {
  const h = spec.health;
  if ("command" in h) return ["CMD", ...h.command];
  if (typeof h.inside === "string") return ["CMD-SHELL", h.inside];
  if (h.inside !== undefined) return ["CMD", ...h.inside];
  return [
    "CMD",
    "curl",
    "-fSs",
    `http://localhost:${portNamed(spec, h.http.port).port}${h.http.path}`,
  ];
}

/** What the Docker host adds to a spec to run it. */
export interface SpecContainerArgs {
  readonly networks: readonly NetworkAttachment[];
  /** The image to run; by default the spec's, pulled and kept (`<resource>-image`). */
  readonly image?: pulumi.Input<string>;
  readonly volumes?: readonly VolumeMount[];
  /** Ports beyond the spec's to publish (coturn's relay range). */
  readonly morePorts?: readonly ServicePort[];
  /** Replaces the image's entrypoint (the spec's args are then not passed). */
  readonly entrypoints?: readonly string[];
}

/**
 * The spec's container, `atrium-<name>`: its args, env, published ports, config files and
 * health check, on the given networks and volumes.
 */
export function specContainer(
  resourceName: string,
  spec: ServiceSpec,
  args: SpecContainerArgs,
  parent: pulumi.Resource,
): docker.Container {
  const image = args.image ?? pinnedImage(`${resourceName}-image`, spec.image, { parent }).imageId;
  const ports = publishedPorts([...spec.ports, ...(args.morePorts ?? [])]);
  return serviceContainer(
    resourceName,
    {
      name: `atrium-${spec.name}`,
      image,
      networks: args.networks,
      ...(args.entrypoints === undefined
        ? spec.args.length === 0
          ? {}
          : { command: [...spec.args] }
        : { entrypoints: args.entrypoints }),
      ...(Object.keys(spec.env).length === 0 ? {} : { envs: dockerEnvs(spec) }),
      ...(ports.length === 0 ? {} : { ports }),
      ...(args.volumes === undefined ? {} : { volumes: args.volumes }),
      uploads: uploadsOf(spec),
      healthcheck: healthcheckOf(spec),
    },
    { parent },
  );
}
