import { readFileSync, writeFileSync } from "node:fs";
import { parse } from "yaml";
import { join } from "node:path";
import { runProgram, tempDir } from "../test-support/process";
import { synapsePython } from "../test-support/synapse-python";
import { WORKER_TYPE_NAMES, type WorkerCounts } from "../synapse-workers";
import { renderHomeserverYaml } from "./homeserver";
import { renderRegistrationYaml } from "./registration";
import { renderInstanceYaml, renderWorkerYaml, runningWorkers } from "./synapse-workers";

// The shared homeserver.yaml with workers, each worker type's file and the per-pod instance
// file, loaded the way the pods load them by the local Synapse's config checker, which
// applies Synapse's worker rules (writers must be in instance_map, one writer for single
// streams, known worker_app, listener resources).

const counts: WorkerCounts = Object.fromEntries(
  WORKER_TYPE_NAMES.map((t) => [
    t,
    ["synchrotron", "event-persister", "device-lists", "federation-sender"].includes(t) ? 2 : 1,
  ]),
);
let dir: string;
let hs: string;

beforeAll(() => {
  dir = tempDir("workers");
  hs = join(dir, "homeserver.yaml");
  writeFileSync(
    join(dir, "signing.key"),
    `ed25519 a_atrium ${Buffer.alloc(32, 1).toString("base64").replace(/=+$/, "")}\n`,
  );
  writeFileSync(
    join(dir, "registration.yaml"),
    renderRegistrationYaml({
      id: "atrium",
      url: "http://atrium-appservice:9000",
      asToken: "as-token-for-the-workers-test-0001",
      hsToken: "hs-token-for-the-workers-test-0001",
      senderLocalpart: "atrium_appservice",
      botLocalpart: "atrium",
      domain: "example.org",
      userPrefix: "atrium_",
      aliasPrefixes: ["pad_", "meet_"],
    }),
  );
  writeFileSync(
    hs,
    renderHomeserverYaml({
      serverName: "example.org",
      publicBaseUrl: "https://matrix.example.org/",
      listener: { port: 8008, bindAddresses: ["0.0.0.0"] },
      database: {
        kind: "postgres",
        host: "db.example.internal",
        port: 5432,
        database: "synapse",
        user: "synapse",
        password: "db-password-0123456789",
        sslMode: "require",
      },
      paths: {
        signingKey: join(dir, "signing.key"),
        mediaStore: join(dir, "media"),
        registrations: [join(dir, "registration.yaml")],
      },
      turn: {
        uris: ["turn:turn.example.org:3478?transport=udp"],
        sharedSecret: "turn-secret-0123456789",
      },
      registrationSharedSecret: "registration-secret-0123456789",
      macaroonSecretKey: "macaroon-secret-0123456789",
      formSecret: "form-secret-0123456789",
      workers: {
        prefix: "atrium-synapse",
        counts,
        locate: (instance, type) => ({
          host:
            type === "main"
              ? "atrium-synapse-main-0.atrium-synapse-main"
              : `${instance}.atrium-synapse-${type}`,
          port: 9093,
        }),
        redis: { host: "atrium-synapse-redis", port: 6379 },
        replicationPort: 9093,
      },
    }),
  );
});

/**
 * The local venv has no `matrix-synapse[redis]` extra (the image has), and Synapse checks that
 * dependency while parsing `redis:`; a last file turns Redis off for the checker only. The
 * rendered `redis:` block itself is asserted from the YAML below.
 */
let noRedis: string;

async function check(files: string[], key?: string): Promise<string> {
  noRedis ??= join(dir, "no-redis.yaml");
  writeFileSync(noRedis, "redis:\n  enabled: false\n");
  const all = [...files, noRedis];
  const args = [
    "-m",
    "synapse.config",
    ...(key === undefined ? [] : ["read", key]),
    ...all.flatMap((f) => ["-c", f]),
  ];
  const res = await runProgram(synapsePython(), args);
  expect([res.code, res.stderr.trim()]).toEqual([0, ""]);
  expect(res.stdout).toContain("Config parses OK!");
  return res.stdout;
}

it("main's config parses, with the appservice notified from its worker and Redis on", async () => {
  // Main hands both duties to their workers.
  expect(await check([hs], "worker.should_notify_appservices")).toContain(
    "should_notify_appservices: False",
  );
  expect(await check([hs], "worker.run_background_tasks")).toContain("run_background_tasks: False");
  expect((parse(readFileSync(hs, "utf8")) as { redis: unknown }).redis).toEqual({
    enabled: true,
    host: "atrium-synapse-redis",
    port: 6379,
  });
});

it.each(
  runningWorkers({ prefix: "atrium-synapse", counts }).flatMap((w) =>
    w.instances.map((i) => [w.type, i] as const),
  ),
)(
  "worker %s as %s parses",
  async (type, instance) => {
    const worker = join(dir, `worker-${type}.yaml`);
    writeFileSync(worker, renderWorkerYaml(type, { http: 8008, replication: 9093 }));
    const named = join(dir, `${instance}.yaml`);
    writeFileSync(named, renderInstanceYaml(instance));
    expect(await check([hs, worker, named], "worker.instance_name")).toContain(instance);
  },
  60000,
);

it("makes the appservice worker, and only it, the process that notifies the appservice", async () => {
  const worker = join(dir, "worker-appservice.yaml");
  writeFileSync(worker, renderWorkerYaml("appservice", { http: 8008, replication: 9093 }));
  const named = join(dir, "as-instance.yaml");
  writeFileSync(named, renderInstanceYaml("atrium-synapse-appservice-0"));
  expect(await check([hs, worker, named], "worker.should_notify_appservices")).toContain(
    "should_notify_appservices: True",
  );
  // Every process loads the registration (a worker answering a user query needs it).
  expect(await check([hs, worker, named], "appservice.app_service_config_files")).toContain(
    "registration.yaml",
  );
}, 60000);

it("refuses a second typing writer (why typing-persister is single)", async () => {
  const bad = join(dir, "two-typing.yaml");
  writeFileSync(
    bad,
    "stream_writers:\n  typing: [atrium-synapse-typing-persister-0, atrium-synapse-event-persister-0]\n",
  );
  const res = await runProgram(synapsePython(), [
    "-m",
    "synapse.config",
    "-c",
    hs,
    "-c",
    bad,
    "-c",
    noRedis,
  ]);
  expect(res.code).not.toBe(0);
  expect(res.stderr).toMatch(/typing/);
});
