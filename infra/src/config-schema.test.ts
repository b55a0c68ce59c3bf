import { DEFAULT_IMAGES } from "./images";
import { parseStackConfig, StackConfigError } from "./config-schema";
import { configProblems, MINIMAL_CONFIG } from "./test-support/config";

describe("parseStackConfig", () => {
  it("derives the other domains and defaults from the server name", () => {
    const { settings, secretValues } = parseStackConfig(MINIMAL_CONFIG);
    expect(settings).toEqual(
      expect.objectContaining({
        domain: "example.org",
        homeserverDomain: "example.org",
        elementDomain: "element.example.org",
        jitsiDomain: "meet.example.org",
        padDomain: "pad.example.org",
        imDomain: "im.example.org",
        turnDomain: "turn.example.org",
        jitsiAuth: "matrix",
        elementWeb: true,
        jitsiGuests: false,
        conferenceAtThirdMember: true,
        turnPort: 3478,
        jvbPort: 10000,
        images: DEFAULT_IMAGES,
      }),
    );
    expect(secretValues).toEqual({});
    expect(Object.isFrozen(settings)).toBe(true);
  });

  it.each([
    ["elementWeb", "false", { elementWeb: false }],
    ["jitsiAuth", "none", { jitsiAuth: "none" }],
    ["turnRelayMaxPort", "49999", { turnRelayMaxPort: 49999 }],
    ["jitsiDomain", "video.example.com", { jitsiDomain: "video.example.com" }],
  ])("accepts %s=%s", (key, value, expected) => {
    expect(parseStackConfig({ ...MINIMAL_CONFIG, [key]: value }).settings).toEqual(
      expect.objectContaining(expected),
    );
  });

  it("overrides one image from a structured value and keeps the other defaults", () => {
    const { settings } = parseStackConfig({
      ...MINIMAL_CONFIG,
      images: JSON.stringify({ synapse: "matrixdotorg/synapse:v1.164.0" }),
    });
    expect(settings.images).toEqual({
      ...DEFAULT_IMAGES,
      synapse: "matrixdotorg/synapse:v1.164.0",
    });
  });

  it("reads a complete S3 target, its keys as secrets only", () => {
    const parsed = parseStackConfig({
      ...MINIMAL_CONFIG,
      backupS3Endpoint: "https://s3.example.net",
      backupS3Bucket: "atrium/prod",
      backupS3AccessKeyId: "AKIAEXAMPLE",
      backupS3SecretAccessKey: "secret/with+chars",
      backupEncryptionPassphrase: "an-offsite-passphrase-0123456789",
      backupKeep: "30",
    });
    expect(parsed.settings.backup).toEqual({
      hour: 3,
      keep: 30,
      s3: { endpoint: "https://s3.example.net", bucket: "atrium/prod" },
    });
    expect(parsed.secretValues).toEqual({
      backupS3AccessKeyId: "AKIAEXAMPLE",
      backupS3SecretAccessKey: "secret/with+chars",
      backupEncryptionPassphrase: "an-offsite-passphrase-0123456789",
    });
    expect(JSON.stringify(parsed.settings)).not.toContain("AKIAEXAMPLE");
  });

  it("keeps an operator secret apart from the settings", () => {
    const parsed = parseStackConfig({
      ...MINIMAL_CONFIG,
      turnSharedSecret: "a-long-enough-turn-secret",
    });
    expect(parsed.secretValues).toEqual({ turnSharedSecret: "a-long-enough-turn-secret" });
    expect(JSON.stringify(parsed.settings)).not.toContain("a-long-enough-turn-secret");
  });

  it.each([
    [
      "a missing server name",
      { ...MINIMAL_CONFIG, domain: undefined },
      "atrium:domain: required — set it with pulumi config set atrium:domain chat.example.org",
    ],
    [
      "a bad e-mail",
      { ...MINIMAL_CONFIG, acmeEmail: "nobody" },
      "atrium:acmeEmail: not an e-mail address — set it with pulumi config set atrium:acmeEmail admin@example.org",
    ],
    [
      "a bad auth mode",
      { ...MINIMAL_CONFIG, jitsiAuth: "ldap" },
      "atrium:jitsiAuth: must be matrix, jwt or none — set it with pulumi config set atrium:jitsiAuth matrix",
    ],
    [
      "a non-boolean switch",
      { ...MINIMAL_CONFIG, elementWeb: "yes" },
      "atrium:elementWeb: must be true or false — set it with pulumi config set atrium:elementWeb true",
    ],
    [
      "a latest image",
      { ...MINIMAL_CONFIG, images: { caddy: "caddy:latest" } },
      "atrium:images.caddy: `latest` is not a pin; name a version tag — set it with pulumi config set --path 'atrium:images.caddy' caddy:2.11.4-alpine",
    ],
    [
      "an untagged image",
      { ...MINIMAL_CONFIG, images: { caddy: "caddy" } },
      "atrium:images.caddy: needs an explicit tag",
    ],
    [
      "an unknown image",
      { ...MINIMAL_CONFIG, images: { memcached: "memcached:1.6" } },
      "atrium:images.memcached: unknown image — known images are postgres",
    ],
    [
      "a typo in a key",
      { ...MINIMAL_CONFIG, jitsiDomian: "meet.example.org" },
      "atrium:jitsiDomian: unknown key (a typo?) — remove it with pulumi config rm atrium:jitsiDomian",
    ],
    [
      "a short secret",
      { ...MINIMAL_CONFIG, postgresPassword: "short" },
      "atrium:postgresPassword: too short: secrets need at least 16 characters — set it with pulumi config set --secret atrium:postgresPassword",
    ],
    [
      "a default password",
      { ...MINIMAL_CONFIG, etherpadAdminPassword: "changeme-changeme-changeme" },
      "atrium:etherpadAdminPassword: looks like a default password",
    ],
    [
      "an inverted relay range",
      { ...MINIMAL_CONFIG, turnRelayMinPort: "50000", turnRelayMaxPort: "49000" },
      "atrium:turnRelayMaxPort: below turnRelayMinPort",
    ],
    [
      "a huge relay range",
      { ...MINIMAL_CONFIG, turnRelayMinPort: "40000", turnRelayMaxPort: "60000" },
      "atrium:turnRelayMaxPort: relay range wider than 1000 ports",
    ],
    [
      "a Jitsi image without a stable tag",
      { ...MINIMAL_CONFIG, images: { jitsiWeb: "ghcr.io/jitsi/web:unstable" } },
      "atrium:images.jitsiWeb: ghcr.io/jitsi/web:unstable: a Jitsi image needs a stable-<build> tag",
    ],
    [
      "Jitsi images from two releases",
      { ...MINIMAL_CONFIG, images: { jitsiProsody: "ghcr.io/jitsi/prosody:stable-11146" } },
      "atrium:images.jitsiWeb: the Jitsi images name different stables (11248, 11146)",
    ],
    [
      "a bad IM domain",
      { ...MINIMAL_CONFIG, imDomain: "IM" },
      "atrium:imDomain: not a lower-case DNS name with a dot (e.g. chat.example.org) — set it with pulumi config set atrium:imDomain im.example.org",
    ],
    [
      "the IM on the pad domain",
      { ...MINIMAL_CONFIG, imDomain: "pad.example.org" },
      "atrium:imDomain: pad.example.org is also atrium:padDomain; each service needs its own host name",
    ],
    [
      "a backup hour out of range",
      { ...MINIMAL_CONFIG, backupHour: "24" },
      "atrium:backupHour: above 23 — set it with pulumi config set atrium:backupHour 3",
    ],
    [
      "half an S3 target",
      { ...MINIMAL_CONFIG, backupS3Endpoint: "https://s3.example.net" },
      "atrium:backupS3Bucket: required with backupS3Endpoint (an offsite backup target needs all four)",
    ],
    [
      "a port out of range",
      { ...MINIMAL_CONFIG, jvbPort: "70000" },
      "atrium:jvbPort: above 65535 — set it with pulumi config set atrium:jvbPort 10000",
    ],
  ])("refuses %s, naming the key and the fix", (_name, raw, expected) => {
    expect(configProblems(raw as Record<string, unknown>).join("\n")).toContain(expected);
  });

  it("lists every bad key at once", () => {
    const found = configProblems({
      domain: "Not A Domain",
      acmeEmail: "x",
      jitsiAuth: "ldap",
      turnPort: "zero",
      images: { jitsiWeb: "jitsi/web" },
    });
    expect(found.map((p) => p.slice(0, p.indexOf(":", "atrium:".length)))).toEqual([
      "atrium:domain",
      "atrium:acmeEmail",
      "atrium:publicIp",
      "atrium:jitsiAuth",
      "atrium:turnPort",
      "atrium:images.jitsiWeb",
    ]);
    expect(new StackConfigError(found).message).toContain(
      "invalid stack configuration:\n  - atrium:domain:",
    );
  });
});
