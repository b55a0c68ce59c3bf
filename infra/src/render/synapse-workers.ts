/**
 * Synapse with workers: the keys homeserver.yaml gains when workers run, and each worker type's
 * own config file. Every process loads the shared homeserver.yaml first, then its type's file,
 * then a one-line file naming the instance (`worker_name`, the pod name, written at start).
 */
import { stringify } from "yaml";
import {
  WORKER_TYPES,
  WORKER_TYPE_NAMES,
  workerInstanceNames,
  type WorkerCounts,
  type WorkerType,
  type WorkerTypeName,
} from "../synapse-workers";

/** Where one instance's replication listener is reached. */
export interface InstanceLocation {
  readonly host: string;
  readonly port: number;
}

/** The processes of one Synapse and how they find each other. */
export interface WorkerTopology {
  /** Instance names are `<prefix>-<type>-<ordinal>` (the StatefulSet pod names). */
  readonly prefix: string;
  readonly counts: WorkerCounts;
  /** The replication listener of `instance` (`main` for the main process). */
  readonly locate: (instance: string, type: WorkerTypeName | "main") => InstanceLocation;
  readonly redis: { readonly host: string; readonly port: number };
}

/** The worker types that run, with their instance names, in routing order. */
export function runningWorkers(t: Pick<WorkerTopology, "prefix" | "counts">): {
  type: WorkerTypeName;
  spec: WorkerType;
  instances: string[];
}[] {
  return WORKER_TYPE_NAMES.filter((type) => (t.counts[type] ?? 0) > 0).map((type) => ({
    type,
    spec: WORKER_TYPES[type],
    instances: workerInstanceNames(t.prefix, type, t.counts[type] ?? 0),
  }));
}

/**
 * The shared keys for a Synapse with workers (empty object when none runs): Redis, the
 * `instance_map` (main and every stream writer), `stream_writers`, and the single duties moved
 * to their worker. Without an appservice worker main keeps notifying the appservice; with one,
 * `notify_appservices_from_worker` names it, so exactly one process sends transactions.
 */
export function workerHomeserverSettings(t: WorkerTopology): Record<string, unknown> {
  const running = runningWorkers(t);
  if (running.length === 0) return {};
  const first = (type: WorkerTypeName): string | undefined =>
    running.find((r) => r.type === type)?.instances[0];
  const all = (type: WorkerTypeName): string[] | undefined =>
    running.find((r) => r.type === type)?.instances;
  const instanceMap: Record<string, { host: string; port: number; tls: boolean }> = {
    main: { ...t.locate("main", "main"), tls: false },
  };
  const streamWriters: Record<string, string[]> = {};
  for (const r of running) {
    const streams: readonly string[] = r.spec.streams ?? [];
    for (const stream of streams) streamWriters[stream] = r.instances;
    if (streams.length > 0) {
      for (const i of r.instances) instanceMap[i] = { ...t.locate(i, r.type), tls: false };
    }
  }
  const settings: Record<string, unknown> = {
    redis: { enabled: true, host: t.redis.host, port: t.redis.port },
    instance_map: instanceMap,
  };
  if (Object.keys(streamWriters).length > 0) settings.stream_writers = streamWriters;
  const senders = all("federation-sender");
  if (senders !== undefined) settings.federation_sender_instances = senders;
  const pushers = all("pusher");
  if (pushers !== undefined) settings.pusher_instances = pushers;
  const appservice = first("appservice");
  if (appservice !== undefined) settings.notify_appservices_from_worker = appservice;
  const background = first("background");
  if (background !== undefined) settings.run_background_tasks_on = background;
  const userDir = first("user-dir");
  if (userDir !== undefined) settings.update_user_directory_from_worker = userDir;
  const media = first("media-repository");
  if (media !== undefined) {
    // Main stops serving media and running its jobs; the media worker turns it back on.
    settings.enable_media_repo = false;
    settings.media_instance_running_background_jobs = media;
  }
  return settings;
}

/** Ports of a worker's listeners (the same in every pod). */
export interface WorkerPorts {
  readonly http: number;
  readonly replication: number;
  /** Bind addresses (default all interfaces). */
  readonly bindAddresses?: readonly string[];
}

/**
 * A worker type's own config file: `synapse.app.generic_worker` with an HTTP listener for the
 * resources it serves (health checks need one even when it serves none) and a replication
 * listener (stream writers are called on it through `instance_map`).
 */
export function renderWorkerYaml(type: WorkerTypeName, ports: WorkerPorts): string {
  const spec: WorkerType = WORKER_TYPES[type];
  const bind = [...(ports.bindAddresses ?? ["0.0.0.0"])];
  const names = spec.resources.length === 0 ? ["health"] : [...spec.resources];
  return stringify({
    worker_app: "synapse.app.generic_worker",
    worker_listeners: [
      {
        type: "http",
        port: ports.http,
        bind_addresses: bind,
        x_forwarded: true,
        resources: [{ names, compress: false }],
      },
      {
        type: "http",
        port: ports.replication,
        bind_addresses: bind,
        resources: [{ names: ["replication"] }],
      },
    ],
    ...(type === "media-repository" ? { enable_media_repo: true } : {}),
  });
}

/** The per-pod file naming the instance (what the start command writes from the pod name). */
export function renderInstanceYaml(instance: string): string {
  return stringify({ worker_name: instance });
}
