import path from "node:path";
import { configInput } from "../test-support/config";
import { ConfigError, loadConfigFile, parseConfig } from "./load";

const sample = path.join(__dirname, "..", "..", "config.sample.yaml");

const minimal = configInput("localhost", {
  encryption: { storePassphrase: "a-secret-of-the-operator" },
});

describe("config", () => {
  it("accepts the checked-in config.sample.yaml", () => {
    const config = loadConfigFile(sample);
    expect(config.homeserver.domain).toBe("example.org");
    expect(config.database.engine).toBe("postgres");
    expect(config.jitsi.auth).toBe("matrix");
    expect(Object.isFrozen(config.etherpad)).toBe(true);
  });

  it("fills defaults for a minimal config", () => {
    const config = parseConfig(minimal);
    expect(config.appservice).toEqual({
      port: 9000,
      bindAddress: "127.0.0.1",
      roomConcurrency: 16,
    });
    expect(config.database).toEqual({ engine: "sqlite", filename: "./atrium.db" });
    expect(config.etherpad.onWidgetRemoved).toBe("keep");
    expect(config.jitsi.autoConference).toBe(false);
    expect(config.aliases.padPrefix).toBe("pad_");
  });

  it("reports every problem at once, each with its dotted path", () => {
    let caught: unknown;
    try {
      parseConfig({
        homeserver: { url: "ftp://x", domain: "https://example.org" },
        web: {},
        etherpad: { url: "not a url", apiKey: "short" },
        jitsi: { domain: "meet.example.org", auth: "matrix" },
      });
    } catch (error: unknown) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const problems = (caught as ConfigError).problems.join("\n");
    expect(problems).toMatch(/^homeserver\.url: must start with http/m);
    expect(problems).toMatch(/^homeserver\.domain: must be a bare server name/m);
    expect(problems).toMatch(/^web\.publicUrl: Required/m);
    expect(problems).toMatch(/^etherpad\.url: not a valid URL/m);
    expect(problems).toMatch(/^etherpad\.apiKey: must be Etherpad's API key/m);
    expect(problems).toMatch(/^jitsi\.verifyToken: required when jitsi\.auth is matrix/m);
  });

  it.each([
    [
      "jwt without app id and secret",
      { jitsi: { domain: "meet.example.org", auth: "jwt" } },
      /jitsi\.jwtAppId.*\n?.*jitsi\.jwtSecret|jitsi\.jwtSecret/s,
    ],
    [
      "a postgres engine without a URL",
      { database: { engine: "postgres", connectionString: "mysql://x" } },
      /database\.connectionString: must be a postgres/,
    ],
    ["an unknown database engine", { database: { engine: "mongo" } }, /database\.engine/],
    ["a port out of range", { appservice: { port: 70000 } }, /appservice\.port/],
  ])("refuses %s", (_label, patch, pattern) => {
    expect(() => parseConfig({ ...minimal, ...patch })).toThrow(pattern);
  });

  it("names the file when it cannot be read", () => {
    expect(() => loadConfigFile("/nonexistent/atrium.yaml")).toThrow(/\/nonexistent\/atrium\.yaml/);
  });
});
