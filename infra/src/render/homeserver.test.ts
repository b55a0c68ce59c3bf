import { join } from "node:path";
import { parse } from "yaml";
import { renderHomeserverYaml, type HomeserverOptions } from "./homeserver";

const secrets = {
  turn: "turn-secret-for-the-homeserver-test",
  registration: "registration-secret-for-the-test",
  asToken: "as-token-for-the-homeserver-test-0",
  hsToken: "hs-token-for-the-homeserver-test-0",
};

function options(dir: string, port: number): HomeserverOptions {
  return {
    serverName: "example.org",
    publicBaseUrl: `http://127.0.0.1:${port}/`,
    listener: { port, bindAddresses: ["127.0.0.1"] },
    database: { kind: "sqlite", path: join(dir, "homeserver.db") },
    paths: {
      signingKey: join(dir, "signing.key"),
      mediaStore: join(dir, "media"),
      registrations: [join(dir, "atrium-registration.yaml")],
    },
    turn: { uris: ["turn:turn.example.org:3478?transport=udp"], sharedSecret: secrets.turn },
    registrationSharedSecret: secrets.registration,
    macaroonSecretKey: "macaroon-secret-key-for-the-test",
    formSecret: "form-secret-for-the-homeserver-test",
  };
}

describe("renderHomeserverYaml", () => {
  const config = parse(
    renderHomeserverYaml({
      ...options("/data", 8008),
      database: {
        kind: "postgres",
        host: "postgres",
        port: 5432,
        database: "synapse",
        user: "synapse",
        password: "pw-0123456789abcdef",
      },
    }),
  ) as Record<string, unknown>;

  it.each([
    ["enable_registration", false],
    ["serve_server_wellknown", false],
    ["turn_shared_secret", secrets.turn],
    ["app_service_config_files", ["/data/atrium-registration.yaml"]],
    [
      "database",
      {
        name: "psycopg2",
        args: {
          user: "synapse",
          password: "pw-0123456789abcdef",
          database: "synapse",
          host: "postgres",
          port: 5432,
          cp_min: 5,
          cp_max: 10,
        },
      },
    ],
  ])("sets %s", (key, value) => {
    expect(config[key]).toEqual(value);
  });

  it("serves client, federation and openid on one listener behind the proxy", () => {
    expect(config.listeners).toEqual([
      expect.objectContaining({
        x_forwarded: true,
        resources: [{ names: ["client", "federation", "openid"], compress: false }],
      }),
    ]);
  });
});
