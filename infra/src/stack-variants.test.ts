import { leaks, plain, runProgram, type CapturedResource } from "./test-support/mock-stack";
import { MINIMAL_CONFIG } from "./test-support/config";

// One program run per test file (jest gives each file its own module registry): JWT auth for
// Jitsi, guests allowed, no Element Web, Synapse on its own host name.
let resources: CapturedResource[];
let outputs: Record<string, unknown>;

const S3_SECRET = "s3-secret-access-key-0123456789";
const PASSPHRASE = "offsite-encryption-passphrase-0123456789";

beforeAll(async () => {
  ({ resources, outputs } = await runProgram(
    {
      ...MINIMAL_CONFIG,
      homeserverDomain: "matrix.example.org",
      jitsiAuth: "jwt",
      jitsiGuests: "true",
      elementWeb: "false",
      imDomain: "integrations.example.com",
      // The last stable before the rootless images: nginx on 80, writable root filesystem.
      images: JSON.stringify({
        jitsiWeb: "jitsi/web:stable-10314",
        jitsiProsody: "jitsi/prosody:stable-10314",
        jitsiJicofo: "jitsi/jicofo:stable-10314",
        jitsiJvb: "jitsi/jvb:stable-10314",
      }),
      backupHour: "23",
      backupKeep: "7",
      backupS3Endpoint: "https://s3.example.net",
      backupS3Bucket: "atrium-backups/prod",
      backupS3AccessKeyId: "AKIAEXAMPLEKEY",
      backupS3SecretAccessKey: S3_SECRET,
      backupEncryptionPassphrase: PASSPHRASE,
    },
    ["backupS3AccessKeyId", "backupS3SecretAccessKey", "backupEncryptionPassphrase"],
  ));
}, 30000);

const container = (name: string): Record<string, unknown> => {
  const found = resources.find(
    (r) => r.type === "docker:index/container:Container" && r.name === name,
  );
  if (found === undefined) throw new Error(`no container "${name}"`);
  return plain(found.inputs) as Record<string, unknown>;
};
const envOf = (name: string): string[] => container(name).envs as string[];
const uploadOf = (name: string, file: string): string =>
  (container(name).uploads as { file: string; content: string }[]).find((u) => u.file === file)
    ?.content ?? "";

it("deploys no Element Web and leaves it out of the proxy and the outputs", () => {
  expect(resources.some((r) => r.name === "element-web")).toBe(false);
  expect(uploadOf("proxy", "/etc/caddy/Caddyfile")).not.toContain("element.example.org");
  expect((outputs.urls as Record<string, unknown>).element).toBeUndefined();
});

it.each([["jitsi-prosody"], ["jitsi-jicofo"], ["jitsi-web"]])(
  "%s runs JWT auth with guests",
  (name) => {
    const env = envOf(name);
    expect(env).toEqual(
      expect.arrayContaining([
        "ENABLE_AUTH=1",
        "AUTH_TYPE=jwt",
        "JWT_APP_ID=atrium",
        "ENABLE_GUESTS=1",
      ]),
    );
    expect(env.some((e) => e.startsWith("MATRIX_UVS_"))).toBe(false);
  },
);

it("gives prosody and the appservice the same JWT secret", () => {
  const secret = envOf("jitsi-prosody")
    .find((e) => e.startsWith("JWT_APP_SECRET="))
    ?.slice("JWT_APP_SECRET=".length);
  expect(secret).toMatch(/^Mock-secrets-jitsiJwtSecret/);
  expect(uploadOf("appservice", "/config/config.yaml")).toContain(`jwtSecret: ${secret}`);
});

it("accepts exactly the issuer and audience the appservice's tokens carry (its app id)", () => {
  const env = envOf("jitsi-prosody");
  const config = uploadOf("appservice", "/config/config.yaml");
  const appId = /jwtAppId: (\S+)/.exec(config)?.[1];
  expect(appId).toBe("atrium");
  expect(env).toEqual(
    expect.arrayContaining([`JWT_ACCEPTED_ISSUERS=${appId}`, `JWT_ACCEPTED_AUDIENCES=${appId}`]),
  );
});

it("tells Element no openidtoken-jwt auth and delegates federation to the homeserver host", () => {
  const caddyfile = uploadOf("proxy", "/etc/caddy/Caddyfile");
  expect(caddyfile).toContain("respond `{}` 200");
  expect(caddyfile).toContain('{"m.server":"matrix.example.org:443"}');
  expect(caddyfile).toMatch(/^matrix\.example\.org \{$/m);
});

it("follows an older Jitsi release: nginx on 80, no read-only root, no prosody storage volume", () => {
  expect(uploadOf("proxy", "/etc/caddy/Caddyfile")).toContain(
    "reverse_proxy atrium-jitsi-web:80\n",
  );
  const web = container("jitsi-web");
  expect((web.healthcheck as { tests: string[] }).tests.join(" ")).toContain(
    "http://127.0.0.1:80/",
  );
  for (const name of ["jitsi-web", "jitsi-prosody", "jitsi-jicofo", "jitsi-jvb"]) {
    expect(container(name).readOnly).toBeUndefined();
    expect(container(name).tmpfs).toBeUndefined();
  }
  const volumes = (container("jitsi-prosody").volumes as { containerPath: string }[]).map(
    (v) => v.containerPath,
  );
  expect(volumes).toEqual(["/config"]);
});

it("serves the integration manager on the configured IM domain", () => {
  expect(uploadOf("proxy", "/etc/caddy/Caddyfile")).toMatch(
    /^integrations\.example\.com \{\n\thandle \{\n\t\treverse_proxy atrium-appservice:9002/m,
  );
  expect(uploadOf("appservice", "/config/config.yaml")).toContain(
    "publicUrl: https://integrations.example.com",
  );
  expect((outputs.urls as Record<string, unknown>).integrationManager).toBe(
    "https://integrations.example.com",
  );
});

it("copies backups to the S3 target encrypted, its keys secret, keeping them as many days as sets", () => {
  const offsite = resources.find(
    (r) => r.type === "docker:index/container:Container" && r.name === "backup-offsite",
  );
  expect(offsite).toBeDefined();
  expect(leaks(offsite?.inputs, [S3_SECRET, "AKIAEXAMPLEKEY", PASSPHRASE], "offsite")).toEqual([]);
  const env = envOf("backup-offsite");
  expect(env).toEqual(
    expect.arrayContaining([
      "RCLONE_CONFIG_ATRIUM_TYPE=s3",
      "RCLONE_CONFIG_ATRIUM_ENDPOINT=https://s3.example.net",
      `RCLONE_CONFIG_ATRIUM_SECRET_ACCESS_KEY=${S3_SECRET}`,
      "RCLONE_CONFIG_ATRIUM_ACCESS_KEY_ID=AKIAEXAMPLEKEY",
      `ATRIUM_BACKUP_PASSPHRASE=${PASSPHRASE}`,
    ]),
  );
  const script = uploadOf("backup-offsite", "/atrium-backup/offsite.sh");
  // Through the crypt remote over the bucket only (render/backup.ts's test runs it for real).
  expect(script).toContain("RCLONE_CONFIG_ATRIUMCRYPT_REMOTE=atrium:atrium-backups/prod");
  expect(script).toContain('rclone copy "$dir" atriumcrypt:');
  expect(script).not.toMatch(/rclone (copy|delete)[^\n]* atrium:/);
  expect(script).toContain("--min-age 7d");
  expect(script).not.toContain("rclone sync");
  expect(uploadOf("backup", "/atrium-backup/schedule.sh")).toContain("(82800 - now + 86400)");
  // No prosody storage in the older Jitsi release, so nothing of it to back up.
  expect(uploadOf("backup", "/atrium-backup/backup.sh")).not.toContain("prosody-data");
});
