/**
 * Synapse's worker types on Kubernetes: what each one does, which may run more than once, and
 * which request paths the router sends it. Pure: the config schema validates replica counts
 * with it, the renderers derive homeserver.yaml's worker keys and the router's pools from it.
 *
 * Names and the single/scalable split follow element-hq/ess-helm (`_synapse_details.tpl`,
 * `isSingle`); the rules behind them are Synapse's own (docs/workers.md): one writer per stream
 * except events, receipts and device_lists; background tasks, the user directory and appservice
 * notification "cannot be load-balanced"; one media repository runs the media background jobs.
 * Receipts accept several writers upstream but ESS keeps them single; so do we.
 */

/** How the router spreads requests over a pool's pods. */
export type Balance =
  /** Consistent hash of the access token: a client's /sync always lands on the same pod. */
  | "token"
  /** Consistent hash of the room ID in the path (event creation per room stays ordered). */
  | "room"
  /** By client address (federation senders retry from the same server). */
  | "source"
  /** Consistent hash of the whole URI (federation reads cache per path). */
  | "uri"
  | "roundrobin";

/** One Synapse worker type. */
export interface WorkerType {
  /** Only one instance may run (Synapse or ESS says so); refused above 1 at preview. */
  readonly single: boolean;
  /** Streams it writes (`stream_writers.<stream>`); writers are listed in `instance_map`. */
  readonly streams?: readonly string[];
  /** Listener resources of its HTTP port. */
  readonly resources: readonly ("client" | "federation" | "media")[];
  /** Request paths (regular expressions, as in Synapse's workers.md) routed to it. */
  readonly paths: readonly string[];
  readonly balance: Balance;
}

const CLIENT = "^/_matrix/client/(api/v1|r0|v3|unstable)";
const CLIENT3 = "^/_matrix/client/(r0|v3|unstable)";

/**
 * Every worker type Atrium can run, in routing order: when paths overlap, the first type
 * listed wins (stream writers before the event creator, before the generic client reader).
 */
export const WORKER_TYPES = {
  "typing-persister": {
    single: true,
    streams: ["typing"],
    resources: ["client"],
    paths: [`${CLIENT}/rooms/[^/]+/typing`],
    balance: "roundrobin",
  },
  encryption: {
    single: true,
    streams: ["to_device"],
    resources: ["client"],
    paths: [`${CLIENT3}/sendToDevice/`],
    balance: "roundrobin",
  },
  "account-data": {
    single: true,
    streams: ["account_data"],
    resources: ["client"],
    paths: [`${CLIENT3}/.*/tags`, `${CLIENT3}/.*/account_data`],
    balance: "roundrobin",
  },
  receipts: {
    single: true,
    streams: ["receipts"],
    resources: ["client"],
    paths: [`${CLIENT3}/rooms/.*/receipt`, `${CLIENT3}/rooms/.*/read_markers`],
    balance: "roundrobin",
  },
  "presence-writer": {
    single: true,
    streams: ["presence"],
    resources: ["client"],
    paths: [`${CLIENT}/presence/`],
    balance: "roundrobin",
  },
  "push-rules": {
    single: true,
    streams: ["push_rules"],
    resources: ["client"],
    paths: [`${CLIENT}/pushrules/`],
    balance: "roundrobin",
  },
  "device-lists": {
    single: false,
    streams: ["device_lists"],
    resources: ["client"],
    paths: [
      "^/_matrix/client/(r0|v3)/delete_devices$",
      `${CLIENT}/devices(/|$)`,
      `${CLIENT3}/keys/upload`,
      `${CLIENT}/keys/device_signing/upload$`,
      `${CLIENT}/keys/signatures/upload$`,
    ],
    balance: "roundrobin",
  },
  "user-dir": {
    single: true,
    resources: ["client"],
    paths: [`${CLIENT3}/user_directory/search$`],
    balance: "roundrobin",
  },
  "media-repository": {
    single: true,
    resources: ["media", "client", "federation"],
    paths: ["^/_matrix/media/", "^/_matrix/client/v1/media/", "^/_matrix/federation/v1/media/"],
    balance: "roundrobin",
  },
  synchrotron: {
    single: false,
    resources: ["client"],
    paths: [
      `${CLIENT3}/sync$`,
      `${CLIENT}/events$`,
      `${CLIENT}/initialSync$`,
      `${CLIENT}/rooms/[^/]+/initialSync$`,
    ],
    balance: "token",
  },
  "event-creator": {
    single: false,
    resources: ["client"],
    paths: [
      `${CLIENT}/createRoom$`,
      `${CLIENT}/rooms/.*/redact`,
      `${CLIENT}/rooms/.*/send`,
      `${CLIENT}/rooms/.*/state/`,
      `${CLIENT}/rooms/.*/(join|invite|leave|ban|unban|kick)$`,
      `${CLIENT}/join/`,
      `${CLIENT}/knock/`,
      `${CLIENT}/profile/`,
    ],
    balance: "room",
  },
  "client-reader": {
    single: false,
    resources: ["client"],
    paths: [
      `${CLIENT}/publicRooms$`,
      `${CLIENT}/rooms/.*/joined_members$`,
      `${CLIENT}/rooms/.*/context/.*$`,
      `${CLIENT}/rooms/.*/members$`,
      `${CLIENT}/rooms/.*/state$`,
      "^/_matrix/client/v1/rooms/.*/hierarchy$",
      "^/_matrix/client/(v1|unstable)/rooms/.*/relations/",
      "^/_matrix/client/v1/rooms/.*/threads$",
      `${CLIENT3}/account/whoami$`,
      "^/_matrix/client/versions$",
      `${CLIENT}/voip/turnServer$`,
      `${CLIENT}/rooms/.*/event/`,
      `${CLIENT}/joined_rooms$`,
      `${CLIENT}/rooms/.*/messages$`,
      `${CLIENT}/search$`,
      `${CLIENT}/directory/room/.*$`,
      `${CLIENT3}/capabilities$`,
      `${CLIENT3}/notifications$`,
      `${CLIENT3}/keys/query$`,
      `${CLIENT3}/keys/changes$`,
      `${CLIENT3}/keys/claim$`,
      `${CLIENT3}/room_keys/`,
      `${CLIENT}/login$`,
      `${CLIENT3}/register$`,
      `${CLIENT3}/register/available$`,
    ],
    balance: "roundrobin",
  },
  "federation-inbound": {
    single: false,
    resources: ["federation"],
    paths: ["^/_matrix/federation/v1/send/"],
    balance: "source",
  },
  "federation-reader": {
    single: false,
    resources: ["federation"],
    paths: [
      "^/_matrix/federation/v1/version$",
      "^/_matrix/federation/(v1|v2)/event/",
      "^/_matrix/federation/(v1|v2)/state/",
      "^/_matrix/federation/(v1|v2)/state_ids/",
      "^/_matrix/federation/(v1|v2)/backfill/",
      "^/_matrix/federation/(v1|v2)/get_missing_events/",
      "^/_matrix/federation/(v1|v2)/publicRooms",
      "^/_matrix/federation/(v1|v2)/query/",
      "^/_matrix/federation/(v1|v2)/make_join/",
      "^/_matrix/federation/(v1|v2)/make_leave/",
      "^/_matrix/federation/(v1|v2)/send_join/",
      "^/_matrix/federation/(v1|v2)/send_leave/",
      "^/_matrix/federation/(v1|v2)/invite/",
      "^/_matrix/federation/(v1|v2)/user/devices/",
      "^/_matrix/federation/v1/hierarchy/",
      "^/_matrix/key/v2/query",
    ],
    balance: "uri",
  },
  "event-persister": {
    single: false,
    streams: ["events"],
    resources: ["client"],
    paths: [],
    balance: "roundrobin",
  },
  "federation-sender": {
    single: false,
    resources: [],
    paths: [],
    balance: "roundrobin",
  },
  pusher: { single: false, resources: [], paths: [], balance: "roundrobin" },
  appservice: { single: true, resources: [], paths: [], balance: "roundrobin" },
  background: { single: true, resources: [], paths: [], balance: "roundrobin" },
} as const satisfies Record<string, WorkerType>;

/** A worker type's name (also the middle of its StatefulSet and pod names). */
export type WorkerTypeName = keyof typeof WORKER_TYPES;
export const WORKER_TYPE_NAMES = Object.keys(WORKER_TYPES) as WorkerTypeName[];

/** Upper bound of a scalable type: the router's server-template reserves this many slots. */
export const MAX_WORKER_REPLICAS = 20;

/** Replica counts by worker type; a type left out runs no worker (main does its work). */
export type WorkerCounts = Readonly<Partial<Record<WorkerTypeName, number>>>;

/**
 * Every problem with a set of replica counts, one line each naming the type and the fix
 * (empty when the counts are fine). Unknown types, non-integers, negatives, single types above
 * 1 and scalable ones above {@link MAX_WORKER_REPLICAS} are refused.
 */
export function workerCountProblems(counts: Readonly<Record<string, unknown>>): string[] {
  const problems: string[] = [];
  for (const [type, raw] of Object.entries(counts)) {
    const spec = (WORKER_TYPES as Record<string, WorkerType>)[type];
    if (spec === undefined) {
      problems.push(
        `${type}: unknown worker type — known types are ${WORKER_TYPE_NAMES.join(", ")}`,
      );
      continue;
    }
    const n = typeof raw === "string" && /^\d+$/.test(raw) ? Number(raw) : raw;
    if (typeof n !== "number" || !Number.isInteger(n) || n < 0) {
      problems.push(`${type}: ${JSON.stringify(raw)} is not a replica count (0 or more)`);
    } else if (spec.single && n > 1) {
      problems.push(
        `${type}: ${n} replicas, but only one ${type} worker may run (${singleReason(type as WorkerTypeName)}) — set it to 0 or 1`,
      );
    } else if (n > MAX_WORKER_REPLICAS) {
      problems.push(`${type}: ${n} replicas, above the router's ${MAX_WORKER_REPLICAS} slots`);
    }
  }
  return problems;
}

/** Why a single type cannot scale, in Synapse's terms. */
function singleReason(type: WorkerTypeName): string {
  const spec: WorkerType = WORKER_TYPES[type];
  if (spec.streams !== undefined) return `it writes the ${spec.streams.join(", ")} stream`;
  switch (type) {
    case "appservice":
      return "Synapse notifies appservices from one process (notify_appservices_from_worker)";
    case "background":
      return "background tasks run on one process (run_background_tasks_on)";
    case "user-dir":
      return "one process updates the user directory (update_user_directory_from_worker)";
    case "media-repository":
      return "media repositories must share one store and one runs the media jobs";
    default:
      return "Synapse allows one";
  }
}

/** The pod names of a type's StatefulSet, which are also its Synapse instance names. */
export function workerInstanceNames(prefix: string, type: WorkerTypeName, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}-${type}-${i}`);
}
