import { parseStackConfig } from "./config-schema";
import { configProblems, MINIMAL_CONFIG } from "./test-support/config";
import { WORKER_TYPE_NAMES, WORKER_TYPES, workerCountProblems } from "./synapse-workers";

const k8s = (kubernetes: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  ...MINIMAL_CONFIG,
  target: "kubernetes",
  postgresPassword: "operator-admin-password-0123",
  kubernetes: JSON.stringify({
    appserviceImage: "registry.example.org/atrium/appservice:1.0.0",
    postgresHost: "db.example.internal",
    ...kubernetes,
  }),
  ...extra,
});

describe("worker replica counts", () => {
  const singles = WORKER_TYPE_NAMES.filter((t) => WORKER_TYPES[t].single);
  const scalable = WORKER_TYPE_NAMES.filter((t) => !WORKER_TYPES[t].single);

  it("matches ESS's split of single and scalable types", () => {
    expect(singles.sort()).toEqual(
      [
        "account-data",
        "appservice",
        "background",
        "encryption",
        "media-repository",
        "presence-writer",
        "push-rules",
        "receipts",
        "typing-persister",
        "user-dir",
      ].sort(),
    );
  });

  // Each type with each count: [type, count, accepted].
  const cases = (types: readonly string[], counts: [number, boolean][]) =>
    types.flatMap((t) => counts.map(([n, ok]) => [t, n, ok] as const));

  it.each(
    cases(singles, [
      [0, true],
      [1, true],
      [2, false],
      [5, false],
    ]),
  )("single type %s with %i replicas: accepted %s", (type, n, ok) => {
    const found = workerCountProblems({ [type]: n });
    expect(found.length === 0).toBe(ok);
    if (!ok)
      expect(found[0]).toMatch(
        new RegExp(
          `^${type}: ${n} replicas, but only one ${type} worker may run \\(.+\\) — set it to 0 or 1$`,
        ),
      );
  });

  it.each(
    cases(scalable, [
      [0, true],
      [2, true],
      [20, true],
      [21, false],
    ]),
  )("scalable type %s with %i replicas: accepted %s", (type, n, ok) => {
    expect(workerCountProblems({ [type]: n }).length === 0).toBe(ok);
  });

  it.each([
    [
      "an unknown type",
      { "sliding-sync": 1 },
      /^sliding-sync: unknown worker type — known types are /,
    ],
    ["a negative count", { synchrotron: -1 }, /^synchrotron: -1 is not a replica count/],
    ["a fraction", { synchrotron: 1.5 }, /^synchrotron: 1.5 is not a replica count/],
    ["text", { synchrotron: "two" }, /^synchrotron: "two" is not a replica count/],
  ])("refuses %s", (_name, counts, expected) => {
    expect(workerCountProblems(counts)[0]).toMatch(expected);
  });

  it("accepts counts given as strings, as pulumi config set --path stores them", () => {
    expect(workerCountProblems({ synchrotron: "3", appservice: "1" })).toEqual([]);
    expect(
      parseStackConfig(k8s({ workers: { synchrotron: "3" } })).settings.kubernetes?.workers,
    ).toEqual({ synchrotron: 3 });
  });
});

describe("the Kubernetes settings at preview time", () => {
  it("refuses a second appservice worker, naming the key and the fix", () => {
    expect(configProblems(k8s({ workers: { appservice: 2 } }))).toEqual([
      "atrium:kubernetes.workers.appservice: 2 replicas, but only one appservice worker may run (Synapse notifies appservices from one process (notify_appservices_from_worker)) — set it to 0 or 1 — set it with pulumi config set --path 'atrium:kubernetes.workers.appservice' 1, or remove it with pulumi config rm --path 'atrium:kubernetes.workers.appservice'",
    ]);
  });

  it("lists every bad count at once", () => {
    const found = configProblems(k8s({ workers: { receipts: 2, "user-dir": 3, synchrotron: 50 } }));
    expect(found.map((p) => p.slice(0, p.indexOf(":", 8)))).toEqual([
      "atrium:kubernetes.workers.receipts",
      "atrium:kubernetes.workers.user-dir",
      "atrium:kubernetes.workers.synchrotron",
    ]);
  });

  it.each([
    [
      "no kubernetes settings",
      { kubernetes: undefined },
      "atrium:kubernetes.appserviceImage: required with target kubernetes",
    ],
    [
      "an external database without its host",
      { kubernetes: JSON.stringify({ appserviceImage: "r.example.org/a:1" }) },
      "atrium:kubernetes.postgresHost: required with an external PostgreSQL",
    ],
    [
      "an external database without the admin password",
      { postgresPassword: undefined },
      "atrium:postgresPassword: required with an external PostgreSQL",
    ],
    [
      "an unpinned appservice image",
      {
        kubernetes: JSON.stringify({
          appserviceImage: "r.example.org/a:latest",
          postgres: "cluster",
        }),
      },
      "atrium:kubernetes.appserviceImage: needs an explicit tag",
    ],
    [
      "a bad bridge mode",
      {
        kubernetes: JSON.stringify({
          appserviceImage: "r.example.org/a:1",
          postgres: "cluster",
          jvbMode: "nodePort",
        }),
      },
      "atrium:kubernetes.jvbMode: must be hostPort or ports",
    ],
    [
      "a bad signing key",
      { synapseSigningKey: "ed25519 a_x nope" },
      "atrium:synapseSigningKey: not a Synapse signing key",
    ],
  ])("refuses %s", (_name, override, expected) => {
    const raw = Object.fromEntries(
      Object.entries(k8s({}, override)).filter(([, v]) => v !== undefined),
    );
    expect(configProblems(raw).join("\n")).toContain(expected);
  });

  it("defaults to an external database, bridges per node and two web replicas", () => {
    const k = parseStackConfig(k8s({})).settings.kubernetes;
    expect(k).toEqual(
      expect.objectContaining({
        namespace: "atrium",
        postgres: {
          mode: "external",
          host: "db.example.internal",
          port: 5432,
          sslMode: "require",
          adminUser: "postgres",
        },
        jvb: { mode: "hostPort", nodeLabel: "atrium.dev/jvb=true" },
        replicas: { router: 2, jitsiWeb: 2, elementWeb: 2 },
        workers: {},
      }),
    );
  });

  it("needs nothing of it on the Docker target", () => {
    const { settings } = parseStackConfig(MINIMAL_CONFIG);
    expect(settings.target).toBe("docker");
    expect(settings.kubernetes).toBeUndefined();
  });
});
