import { parse } from "yaml";
import {
  generateSigningKey,
  homeserverConfig,
  renderHomeserverYaml,
  type HomeserverYamlInput,
} from "./homeserver-yaml";

const base: HomeserverYamlInput = {
  serverName: "localhost",
  port: 8448,
  dataDir: "/data/hs",
  registrationSharedSecret: "shared",
  macaroonSecretKey: "macaroon",
  database: { type: "sqlite", path: "/data/hs/homeserver.db" },
};

function render(over: Partial<HomeserverYamlInput> = {}): Record<string, unknown> {
  return parse(renderHomeserverYaml({ ...base, ...over })) as Record<string, unknown>;
}

describe("renderHomeserverYaml", () => {
  it("serves client, federation and openid on one loopback listener", () => {
    expect(render().listeners).toEqual([
      {
        port: 8448,
        bind_addresses: ["127.0.0.1"],
        type: "http",
        tls: false,
        x_forwarded: false,
        resources: [{ names: ["client", "federation", "openid"], compress: false }],
      },
    ]);
  });

  it.each([
    ["server_name", "localhost"],
    ["report_stats", false],
    ["enable_registration", false],
    ["registration_shared_secret", "shared"],
    ["suppress_key_server_warning", true],
    ["trusted_key_servers", []],
    ["media_store_path", "/data/hs/media_store"],
    ["signing_key_path", "/data/hs/signing.key"],
    ["app_service_config_files", []],
  ])("sets %s", (key, value) => {
    expect(render()[key]).toEqual(value);
  });

  it.each([
    [
      { type: "sqlite", path: "/x/hs.db" },
      { name: "sqlite3", args: { database: "/x/hs.db" } },
    ],
    [
      { type: "postgres", host: "127.0.0.1", port: 5432, user: "postgres", database: "syn" },
      {
        name: "psycopg2",
        args: {
          user: "postgres",
          database: "syn",
          host: "127.0.0.1",
          port: 5432,
          cp_min: 1,
          cp_max: 5,
        },
      },
    ],
  ] as const)("renders the %o database", (database, expected) => {
    expect(render({ database }).database).toEqual(expected);
  });

  it.each(["rc_message", "rc_registration", "rc_joins_per_room", "rc_room_creation"])(
    "lifts %s far beyond what a test sends",
    (key) => {
      expect(render()[key]).toEqual({ per_second: 10_000, burst_count: 100_000 });
    },
  );

  it.each([
    ["rc_login", "account"],
    ["rc_joins", "local"],
    ["rc_invites", "per_user"],
  ])("lifts %s.%s", (key, sub) => {
    expect((render()[key] as Record<string, unknown>)[sub]).toEqual({
      per_second: 10_000,
      burst_count: 100_000,
    });
  });

  it("lists the appservice registrations and lets extra keys win", () => {
    const config = render({
      appserviceRegistrations: ["/reg/a.yaml"],
      extra: { turn_uris: ["turn:x"], report_stats: true },
    });
    expect(config.app_service_config_files).toEqual(["/reg/a.yaml"]);
    expect(config.turn_uris).toEqual(["turn:x"]);
    expect(config.report_stats).toBe(true);
  });

  it.each([
    [{ serverName: "bad name" }, /serverName "bad name"/],
    [{ serverName: "" }, /serverName ""/],
    [{ port: 0 }, /port 0 is not a TCP port/],
    [{ port: 70000 }, /port 70000/],
  ])("refuses %o", (over, message) => {
    expect(() => homeserverConfig({ ...base, ...over })).toThrow(message);
  });
});

describe("generateSigningKey", () => {
  it("writes an ed25519 key line with a 32-byte seed", () => {
    const [algorithm, keyId, seed, ...rest] = generateSigningKey().trim().split(" ");
    expect(algorithm).toBe("ed25519");
    expect(keyId).toMatch(/^a_[0-9a-f]{4}$/);
    expect(Buffer.from(seed ?? "", "base64")).toHaveLength(32);
    expect(rest).toEqual([]);
  });

  it("never repeats a seed", () => {
    expect(generateSigningKey()).not.toEqual(generateSigningKey());
  });
});
