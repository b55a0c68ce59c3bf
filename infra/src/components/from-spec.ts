/** The Docker rendering of a {@link ServiceSpec}: env lines, published ports, uploads, health. */
import type * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { filePath, portNamed, type ServicePort, type ServiceSpec } from "../services/spec";
import type { FileUpload } from "./container";

/** The spec's env as Docker's `NAME=value` lines. */
export function dockerEnvs(spec: ServiceSpec): pulumi.Output<string>[] {
  return Object.entries(spec.env).map(([k, v]) => pulumi.interpolate`${k}=${v}`);
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
