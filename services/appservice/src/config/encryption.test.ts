import { ConfigError, parseConfig } from "./load";

const minimal = {
  homeserver: { url: "http://127.0.0.1:8008", domain: "localhost" },
  web: { publicUrl: "http://localhost:9001" },
  etherpad: { url: "http://127.0.0.1:9001", apiKey: "0123456789abcdef0123" },
  jitsi: { domain: "meet.example.org", auth: "none" },
};

function problems(raw: unknown): string {
  try {
    parseConfig(raw);
  } catch (error: unknown) {
    if (error instanceof ConfigError) return error.problems.join("\n");
    throw error;
  }
  return "";
}

describe("encryption config", () => {
  it("is on by default and has no default passphrase: a config without one is refused, naming the key", () => {
    expect(problems(minimal)).toMatch(
      /^encryption\.storePassphrase: required when encryption\.enabled is true/m,
    );
  });

  it("refuses a short passphrase", () => {
    expect(problems({ ...minimal, encryption: { storePassphrase: "short" } })).toMatch(
      /^encryption\.storePassphrase: must be a secret of at least 16 characters/m,
    );
  });

  it("fills the defaults around the operator's passphrase", () => {
    const config = parseConfig({ ...minimal, encryption: { storePassphrase: "x".repeat(32) } });
    expect(config.encryption).toEqual({
      enabled: true,
      storePassphrase: "x".repeat(32),
      storePath: "./e2ee/crypto.sqlite",
      undecryptableNoticeSeconds: 120,
    });
  });

  it("needs no passphrase when the operator turned encryption off", () => {
    expect(parseConfig({ ...minimal, encryption: { enabled: false } }).encryption.enabled).toBe(
      false,
    );
  });
});
