import { parse } from "yaml";
import { homeserverOptions, secrets } from "../test-support/homeserver-options";
import { renderHomeserverYaml } from "./homeserver";

describe("renderHomeserverYaml", () => {
  const config = parse(
    renderHomeserverYaml({
      ...homeserverOptions("/data", 8008),
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
