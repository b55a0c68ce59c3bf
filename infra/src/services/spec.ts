/**
 * What a service needs, said once for both targets: `components/` (Docker) and `kubernetes/`
 * render a {@link ServiceSpec}, so a changed image, argument, env var, file, port or health
 * check changes both.
 */
import type * as pulumi from "@pulumi/pulumi";

/** A port the service listens on. */
export interface ServicePort {
  /** The port's name (Kubernetes names container ports; at most 15 characters). */
  readonly name: string;
  readonly port: number;
  readonly protocol: "udp" | "tcp";
  /** Reached from outside: Docker publishes it on the host, Kubernetes binds it on the node. */
  readonly outside?: boolean;
}

/** A rendered config file the service reads (its content may hold secrets). */
export interface ServiceFile {
  /** The folder the file sits in (Kubernetes mounts a Secret there, one key per file). */
  readonly dir: string;
  /** The file's name inside `dir`. */
  readonly name: string;
  readonly content: pulumi.Output<string>;
  /**
   * The folder also holds the image's own files: Kubernetes mounts this file alone (subPath),
   * where mounting the folder would hide them.
   */
  readonly amongImageFiles?: boolean;
}

/** A service as both targets run it. */
export interface ServiceSpec {
  /** The service's name: `atrium-<name>` names its container, workload and Secret. */
  readonly name: string;
  /** The pinned image reference. */
  readonly image: string;
  /** Arguments after the image's entrypoint. */
  readonly args: readonly string[];
  /** Environment variables by name. */
  readonly env: Readonly<Record<string, pulumi.Input<string>>>;
  readonly files: readonly ServiceFile[];
  /** The ports it listens on. */
  readonly ports: readonly ServicePort[];
  /** Folders it writes state to (Docker: a named volume each; Kubernetes: per the component). */
  readonly stateDirs: readonly string[];
  readonly health: ServiceHealth;
}

/**
 * The health check: a command run inside the container (exit 0 when healthy), or an HTTP GET
 * on a named port (Docker runs it from inside: `inside`, or else the image's curl).
 */
export type ServiceHealth =
  | { readonly command: readonly string[] }
  | {
      readonly http: { readonly path: string; readonly port: string };
      /** What Docker runs instead: a command, or a shell line. */
      readonly inside?: readonly string[] | string;
    };

/** The port named `name` (a health check's port). */
export function portNamed(spec: ServiceSpec, name: string): ServicePort {
  const port = spec.ports.find((p) => p.name === name);
  if (port === undefined) throw new Error(`${spec.name} has no port named ${name}`);
  return port;
}

/** The full path of a config file. */
export function filePath(file: ServiceFile): string {
  return `${file.dir}/${file.name}`;
}

/**
 * A health check for images with Node but no curl or wget: a GET of `path` on `port` from
 * inside the container, exit 0 on a 2xx.
 */
export function nodeFetchCheck(port: number, path: string): string[] {
  return [
    "node",
    "-e",
    `fetch("http://127.0.0.1:${port}${path}").then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`,
  ];
}
