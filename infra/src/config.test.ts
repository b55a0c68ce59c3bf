import * as pulumi from "@pulumi/pulumi";
import { loadStackConfig, StackConfigError } from "./config";

describe("loadStackConfig reads the stack's atrium:* keys", () => {
  beforeAll(async () => {
    await pulumi.runtime.setMocks(
      { newResource: (a) => ({ id: a.name, state: a.inputs }), call: (a) => a.inputs },
      "atrium",
      "test",
      false,
    );
  });

  it("wraps an operator's secret as a secret Output and ignores other namespaces", async () => {
    pulumi.runtime.setAllConfig(
      {
        "atrium:domain": "example.org",
        "atrium:acmeEmail": "admin@example.org",
        "atrium:publicIp": "203.0.113.10",
        "atrium:hsToken": "an-operator-chosen-hs-token",
        "docker:host": "unix:///var/run/docker.sock",
      },
      ["atrium:hsToken"],
    );
    const { settings, secrets } = loadStackConfig();
    expect(settings.domain).toBe("example.org");
    expect(Object.keys(secrets)).toEqual(["hsToken"]);
    const token = secrets.hsToken as pulumi.Output<string>;
    expect(await pulumi.isSecret(token)).toBe(true);
    expect(await new Promise((resolve) => token.apply(resolve))).toBe(
      "an-operator-chosen-hs-token",
    );
  });

  it("throws one error listing every bad key of the stack", () => {
    pulumi.runtime.setAllConfig({ "atrium:domain": "example", "atrium:elementWeb": "maybe" });
    expect(loadStackConfig).toThrow(StackConfigError);
    expect(loadStackConfig).toThrow(
      /atrium:domain: .*\n.*atrium:acmeEmail: required.*\n.*atrium:publicIp: required.*\n.*atrium:elementWeb: must be true or false/,
    );
  });
});
