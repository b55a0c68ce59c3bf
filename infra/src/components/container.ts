/** What every Atrium container shares: a pinned image, private networks, restart, healthcheck. */
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";

/** Docker restarts every container unless an operator stopped it. */
export const RESTART_POLICY = "unless-stopped";

/** A private network attachment, with DNS aliases other containers use. */
export interface NetworkAttachment {
  readonly network: docker.Network;
  readonly aliases?: readonly string[];
}

/** A named volume mounted at a path. */
export interface VolumeMount {
  readonly volume: docker.Volume;
  readonly path: string;
}

/** A rendered file copied into the container before it starts. */
export interface FileUpload {
  readonly path: string;
  readonly content: pulumi.Input<string>;
}

/** Inputs of {@link serviceContainer}. */
export interface ServiceContainerArgs {
  /** Container name, also its DNS name on the networks. */
  readonly name: string;
  readonly image: pulumi.Input<string>;
  readonly networks: readonly NetworkAttachment[];
  /** The container's health probe (Docker `HEALTHCHECK` test, CMD or CMD-SHELL form). */
  readonly healthcheck: readonly string[];
  readonly envs?: readonly pulumi.Input<string>[];
  readonly ports?: readonly docker.types.input.ContainerPort[];
  readonly volumes?: readonly VolumeMount[];
  readonly uploads?: readonly FileUpload[];
  readonly command?: readonly string[];
  readonly entrypoints?: readonly string[];
  /** Run on a read-only root filesystem (images built for it, e.g. rootless Jitsi). */
  readonly readOnly?: boolean;
  /** tmpfs mounts by path, with their mount options (`size=16M,mode=1750`). */
  readonly tmpfs?: Readonly<Record<string, string>>;
}

/**
 * Creates a container the way every Atrium service runs: on private networks only (ports only
 * where listed), restarted by Docker, health-checked, data in named volumes, and replaced
 * (delete first, since the name is fixed) when its inputs change.
 */
export function serviceContainer(
  resourceName: string,
  args: ServiceContainerArgs,
  opts: pulumi.CustomResourceOptions,
): docker.Container {
  return new docker.Container(
    resourceName,
    {
      name: args.name,
      hostname: args.name,
      image: args.image,
      restart: RESTART_POLICY,
      networksAdvanced: args.networks.map((n) => ({
        name: n.network.name,
        aliases: [...(n.aliases ?? [])],
      })),
      healthcheck: {
        tests: [...args.healthcheck],
        interval: "15s",
        timeout: "5s",
        retries: 5,
        startPeriod: "60s",
      },
      envs: args.envs === undefined ? undefined : [...args.envs],
      ports: args.ports === undefined ? undefined : [...args.ports],
      volumes: (args.volumes ?? []).map((v) => ({
        volumeName: v.volume.name,
        containerPath: v.path,
      })),
      uploads: (args.uploads ?? []).map((u) => ({ file: u.path, content: u.content })),
      command: args.command === undefined ? undefined : [...args.command],
      entrypoints: args.entrypoints === undefined ? undefined : [...args.entrypoints],
      readOnly: args.readOnly,
      tmpfs: args.tmpfs === undefined ? undefined : { ...args.tmpfs },
      logDriver: "json-file",
      logOpts: { "max-size": "20m", "max-file": "5" },
    },
    { ...opts, deleteBeforeReplace: true },
  );
}

/** Pulls a pinned image and keeps it when the stack no longer uses it. */
export function pinnedImage(
  resourceName: string,
  reference: string,
  opts: pulumi.CustomResourceOptions,
): docker.RemoteImage {
  return new docker.RemoteImage(resourceName, { name: reference, keepLocally: true }, opts);
}

/** A named volume that outlives the stack: `pulumi destroy` leaves the data in place. */
export function dataVolume(
  resourceName: string,
  name: string,
  opts: pulumi.CustomResourceOptions,
): docker.Volume {
  return new docker.Volume(resourceName, { name }, { ...opts, retainOnDelete: true });
}

/** Inputs of {@link oneShotContainer}. */
export interface OneShotContainerArgs {
  readonly name: string;
  readonly image: pulumi.Input<string>;
  readonly networks: readonly NetworkAttachment[];
  readonly envs: readonly pulumi.Input<string>[];
  readonly uploads: readonly FileUpload[];
  readonly entrypoints: readonly string[];
}

/**
 * A container that runs a job to completion: Docker retries it while it fails, and Pulumi does
 * not wait for it to stay up. It runs again whenever its inputs change (it is replaced).
 */
export function oneShotContainer(
  resourceName: string,
  args: OneShotContainerArgs,
  opts: pulumi.CustomResourceOptions,
): docker.Container {
  return new docker.Container(
    resourceName,
    {
      name: args.name,
      image: args.image,
      restart: "on-failure",
      maxRetryCount: 10,
      mustRun: false,
      networksAdvanced: args.networks.map((n) => ({
        name: n.network.name,
        aliases: [...(n.aliases ?? [])],
      })),
      envs: [...args.envs],
      uploads: args.uploads.map((u) => ({ file: u.path, content: u.content })),
      entrypoints: [...args.entrypoints],
      logDriver: "json-file",
      logOpts: { "max-size": "5m", "max-file": "2" },
    },
    { ...opts, deleteBeforeReplace: true },
  );
}
