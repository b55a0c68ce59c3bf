import { parseStackConfig } from "./config-schema";
import { configProblems, MINIMAL_CONFIG } from "./test-support/config";
import { DEFAULT_IMAGES } from "./images";
import { jitsiRelease } from "./jitsi-release";

// The stack config's offsite encryption key (issue 22 item 8) and image digests (issue 23
// item 8): refused input names the key and the command that fixes it, and changes nothing.
const s3 = {
  backupS3Endpoint: "https://s3.example.net",
  backupS3Bucket: "atrium/prod",
  backupS3AccessKeyId: "AKIAEXAMPLE",
  backupS3SecretAccessKey: "secret/with+chars",
};
const DIGEST = `sha256:${"0123456789abcdef".repeat(4)}`;

describe("the offsite copy's encryption passphrase", () => {
  it("is required with an S3 target, and the error says how to make one", () => {
    expect(configProblems({ ...MINIMAL_CONFIG, ...s3 })).toEqual([
      `atrium:backupEncryptionPassphrase: required with an S3 target: the offsite copy is encrypted with it (keep a copy outside the stack, README Backups) — set it with pulumi config set --secret atrium:backupEncryptionPassphrase "$(openssl rand -base64 32)", and store the same value in your password manager`,
    ]);
  });

  it("refuses a short one", () => {
    expect(
      configProblems({ ...MINIMAL_CONFIG, ...s3, backupEncryptionPassphrase: "hunter2" })[0],
    ).toMatch(/^atrium:backupEncryptionPassphrase: too short: use at least 24 characters/);
  });

  it("is a secret value, never a setting", () => {
    const parsed = parseStackConfig({
      ...MINIMAL_CONFIG,
      ...s3,
      backupEncryptionPassphrase: "an-offsite-passphrase-0123456789",
    });
    expect(parsed.secretValues.backupEncryptionPassphrase).toBe("an-offsite-passphrase-0123456789");
    expect(JSON.stringify(parsed.settings)).not.toContain("an-offsite-passphrase");
  });
});

describe("atrium:imageDigests", () => {
  it("pins each named image to its digest, keeping the tag, for both targets", () => {
    for (const target of ["docker", "kubernetes"]) {
      const { settings } = parseStackConfig({
        ...MINIMAL_CONFIG,
        target,
        ...(target === "kubernetes"
          ? {
              postgresPassword: "an-admin-password-0123",
              kubernetes: JSON.stringify({
                appserviceImage: "registry.example.org/atrium/appservice:1.0.0",
                postgresHost: "db.example.internal",
              }),
            }
          : {}),
        imageDigests: JSON.stringify({ synapse: DIGEST, jitsiWeb: DIGEST }),
      });
      expect(settings.images.synapse).toBe(`${DEFAULT_IMAGES.synapse}@${DIGEST}`);
      expect(settings.images.jitsiWeb).toBe(`${DEFAULT_IMAGES.jitsiWeb}@${DIGEST}`);
      expect(settings.images.postgres).toBe(DEFAULT_IMAGES.postgres);
      // The Jitsi release (and so its web port) still reads from the tag.
      expect(jitsiRelease(settings.images.jitsiWeb).webPort).toBe(8000);
    }
  });

  it.each([
    ["a tag in place of a digest", { synapse: "v1.163.2" }, "synapse", "not an image digest"],
    ["a short digest", { redis: "sha256:abc" }, "redis", "not an image digest"],
    ["upper-case hex", { redis: `sha256:${"AB".repeat(32)}` }, "redis", "not an image digest"],
  ])("refuses %s, naming the key and the fix", (_what, digests, key, message) => {
    const [problem] = configProblems({ ...MINIMAL_CONFIG, imageDigests: JSON.stringify(digests) });
    expect(problem).toContain(`atrium:imageDigests.${key}: ${message}`);
    expect(problem).toContain(`pulumi config set --path 'atrium:imageDigests.${key}'`);
    expect(problem).toContain("crane digest");
  });

  it("refuses an unknown image name, listing the known ones", () => {
    expect(
      configProblems({ ...MINIMAL_CONFIG, imageDigests: JSON.stringify({ synpase: DIGEST }) })[0],
    ).toMatch(/^atrium:imageDigests\.synpase: unknown key/);
  });

  it("refuses a digest for an image whose override already names one", () => {
    expect(
      configProblems({
        ...MINIMAL_CONFIG,
        images: JSON.stringify({ redis: `redis@${DIGEST}` }),
        imageDigests: JSON.stringify({ redis: DIGEST }),
      }),
    ).toEqual([
      expect.stringContaining(
        "atrium:imageDigests.redis: atrium:images.redis already names a digest; keep it there or in atrium:imageDigests.redis, not both",
      ),
    ]);
  });
});
