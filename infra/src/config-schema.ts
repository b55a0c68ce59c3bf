/**
 * The stack configuration schema (`atrium:*` keys) and its pure parser. `config.ts` feeds it the
 * raw values Pulumi holds; tests feed it plain objects.
 */
import { z } from "zod";
import { DEFAULT_IMAGES, IMAGE_KEYS, JITSI_IMAGE_KEYS, type ImageKey } from "./images";
import { jitsiRelease } from "./jitsi-release";

/** Pulumi config namespace of every key (the project name in Pulumi.yaml). */
export const NAMESPACE = "atrium";

/** Secrets that may be set with `pulumi config set --secret`; any left unset is generated. */
export const GENERATED_SECRET_KEYS = [
  "postgresPassword",
  "synapseDbPassword",
  "etherpadDbPassword",
  "atriumDbPassword",
  "turnSharedSecret",
  "registrationSharedSecret",
  "macaroonSecretKey",
  "formSecret",
  "asToken",
  "hsToken",
  "etherpadApiKey",
  "etherpadAdminPassword",
  "jicofoAuthPassword",
  "jvbAuthPassword",
  "jitsiVerifyToken",
  "jitsiJwtSecret",
] as const;
export type GeneratedSecretKey = (typeof GENERATED_SECRET_KEYS)[number];

/**
 * Secrets only the operator can supply (never generated): the S3 credentials of the offsite
 * backup copy. Set both with `pulumi config set --secret`, or neither.
 */
export const OPERATOR_SECRET_KEYS = ["backupS3AccessKeyId", "backupS3SecretAccessKey"] as const;

/** Every secret key the stack config accepts. */
export const SECRET_KEYS = [...GENERATED_SECRET_KEYS, ...OPERATOR_SECRET_KEYS] as const;
export type SecretKey = (typeof SECRET_KEYS)[number];

const hostname = z
  .string()
  .regex(
    /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/,
    "not a lower-case DNS name with a dot (e.g. chat.example.org)",
  );
const port = z.coerce
  .number({ error: "not a number" })
  .int("not a whole number")
  .min(1, "below 1")
  .max(65535, "above 65535");
const flag = z
  .union([z.boolean(), z.enum(["true", "false"])], { error: "must be true or false" })
  .transform((v) => v === true || v === "true");
const secret = z
  .string()
  .min(16, "too short: secrets need at least 16 characters")
  .regex(/^\S+$/, "must not contain spaces")
  .refine((v) => !/^(changeme|password|secret|admin)/i.test(v), "looks like a default password");
/** An S3 key as the provider issued it (MinIO and others allow short ones). */
const s3Credential = z.string().regex(/^\S+$/, "must be one word without spaces");
/** An image reference with an explicit tag that is not `latest` (a digest pin is fine too). */
export const pinnedImage = z
  .string()
  .regex(/^[a-z0-9./_-]+(:[A-Za-z0-9._-]+|@sha256:[a-f0-9]{64})$/, "needs an explicit tag")
  .refine((v) => !v.endsWith(":latest"), "`latest` is not a pin; name a version tag");

const imagesSchema = z
  .object(Object.fromEntries(IMAGE_KEYS.map((k) => [k, pinnedImage.optional()])))
  .strict();

/** The schema of the raw `atrium:*` values, before defaults derived from `domain`. */
export const rawSchema = z
  .object({
    domain: hostname,
    homeserverDomain: hostname.optional(),
    elementDomain: hostname.optional(),
    jitsiDomain: hostname.optional(),
    padDomain: hostname.optional(),
    imDomain: hostname.optional(),
    turnDomain: hostname.optional(),
    acmeEmail: z.email("not an e-mail address"),
    publicIp: z.ipv4("not an IPv4 address"),
    jitsiAuth: z
      .enum(["matrix", "jwt", "none"], { error: "must be matrix, jwt or none" })
      .default("matrix"),
    elementWeb: flag.default(true),
    jitsiGuests: flag.default(false),
    conferenceAtThirdMember: flag.default(true),
    turnPort: port.default(3478),
    turnRelayMinPort: port.default(49160),
    turnRelayMaxPort: port.default(49200),
    jvbPort: port.default(10000),
    backupHour: z.coerce
      .number({ error: "not a number" })
      .int("not a whole hour")
      .min(0, "below 0")
      .max(23, "above 23")
      .default(3),
    backupKeep: z.coerce
      .number({ error: "not a number" })
      .int("not a whole number")
      .min(1, "below 1: keep at least one backup")
      .max(365, "above 365")
      .default(14),
    backupS3Endpoint: z.url({ protocol: /^https?$/, error: "not an http(s) URL" }).optional(),
    backupS3Bucket: z
      .string()
      .regex(
        /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/[A-Za-z0-9._/-]+)?$/,
        "not a bucket name, optionally with a /prefix",
      )
      .optional(),
    backupS3Region: z
      .string()
      .regex(/^[a-z0-9-]+$/, "not a region name")
      .optional(),
    images: z
      .preprocess((v) => (typeof v === "string" ? safeJson(v) : v), imagesSchema)
      .prefault({}),
    ...Object.fromEntries(GENERATED_SECRET_KEYS.map((k) => [k, secret.optional()])),
    ...Object.fromEntries(OPERATOR_SECRET_KEYS.map((k) => [k, s3Credential.optional()])),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.turnRelayMaxPort < c.turnRelayMinPort) {
      ctx.addIssue({
        code: "custom",
        path: ["turnRelayMaxPort"],
        message: "below turnRelayMinPort",
      });
    } else if (c.turnRelayMaxPort - c.turnRelayMinPort > 999) {
      ctx.addIssue({
        code: "custom",
        path: ["turnRelayMaxPort"],
        message: "relay range wider than 1000 ports (each one is published by Docker)",
      });
    }
    checkJitsiImages(c.images as Partial<Record<ImageKey, string>>, ctx);
    checkBackupTarget(c as unknown as Record<string, unknown>, ctx);
  });

/** The four Jitsi images name one stable release, so the web port derived from it holds. */
function checkJitsiImages(images: Partial<Record<ImageKey, string>>, ctx: z.RefinementCtx): void {
  const builds = new Map<number, string>();
  for (const key of JITSI_IMAGE_KEYS) {
    const image = images[key] ?? DEFAULT_IMAGES[key];
    try {
      builds.set(jitsiRelease(image).build, key);
    } catch (err) {
      ctx.addIssue({
        code: "custom",
        path: ["images", key],
        message: err instanceof Error ? err.message : String(err),
      });
      return;
    }
  }
  if (builds.size > 1) {
    ctx.addIssue({
      code: "custom",
      path: ["images", JITSI_IMAGE_KEYS[0]],
      message: `the Jitsi images name different stables (${[...builds.keys()].join(", ")}); docker-jitsi-meet only supports one release across web, prosody, jicofo and jvb`,
    });
  }
}

/** An S3 target needs its endpoint, bucket and both keys; half a target is a mistake. */
function checkBackupTarget(c: Record<string, unknown>, ctx: z.RefinementCtx): void {
  const parts = [
    "backupS3Endpoint",
    "backupS3Bucket",
    "backupS3AccessKeyId",
    "backupS3SecretAccessKey",
  ] as const;
  const given = parts.filter((k) => c[k] !== undefined);
  if (given.length === 0 || given.length === parts.length) return;
  for (const k of parts.filter((p) => c[p] === undefined)) {
    ctx.addIssue({
      code: "custom",
      path: [k],
      message: `required with ${given.join(", ")} (an offsite backup target needs all four)`,
    });
  }
}

/** Everything the components need, validated and defaulted; secrets are not in here. */
export interface StackSettings {
  /** Matrix server name: the part after the colon in `@alice:example.org`. */
  readonly domain: string;
  /** Host serving Synapse's client and federation APIs (default: `domain`). */
  readonly homeserverDomain: string;
  /** Host serving Element Web (default: `element.<domain>`). */
  readonly elementDomain: string;
  /** Host serving Jitsi Meet (default: `meet.<domain>`). */
  readonly jitsiDomain: string;
  /** Host serving pads and the appservice's pad pages (default: `pad.<domain>`). */
  readonly padDomain: string;
  /**
   * Host serving Atrium's integration manager, an origin of its own so widget pages cannot
   * drive Element's ScalarMessaging API (default: `im.<domain>`).
   */
  readonly imDomain: string;
  /** Host name put in Synapse's `turn_uris` and prosody's TURN entry (default: `turn.<domain>`). */
  readonly turnDomain: string;
  /** Contact address for the ACME (Let's Encrypt) account of the proxy. */
  readonly acmeEmail: string;
  /** Public IPv4 of the Docker host, advertised by coturn and the video bridge. */
  readonly publicIp: string;
  /** How prosody admits people to a conference (default: `matrix`). */
  readonly jitsiAuth: "matrix" | "jwt" | "none";
  /** Deploy Element Web (default: true). */
  readonly elementWeb: boolean;
  /** Let guests without a Matrix account into Jitsi rooms (default: false). */
  readonly jitsiGuests: boolean;
  /** Bring the conference into a room when its third member joins (default: true). */
  readonly conferenceAtThirdMember: boolean;
  readonly turnPort: number;
  readonly turnRelayMinPort: number;
  readonly turnRelayMaxPort: number;
  readonly jvbPort: number;
  /** Backups: hour of day (UTC) of the daily run, how many to keep, optional S3 copy. */
  readonly backup: BackupSettings;
  /** Image references, defaults overridden by `atrium:images.<key>`. */
  readonly images: Readonly<Record<ImageKey, string>>;
}

/** When and where backups are made. */
export interface BackupSettings {
  /** Hour of day (0–23, UTC) of the daily backup (default 3). */
  readonly hour: number;
  /** Backup sets kept on the backup volume, and days kept in S3 (default 14). */
  readonly keep: number;
  /** The S3-compatible offsite target, when configured (credentials are secrets). */
  readonly s3?: {
    readonly endpoint: string;
    /** Bucket, optionally followed by `/prefix`. */
    readonly bucket: string;
    readonly region?: string;
  };
}

/** A parse result: settings plus the secret values the operator set (plain text, unwrapped). */
export interface ParsedConfig {
  readonly settings: StackSettings;
  readonly secretValues: Readonly<Partial<Record<SecretKey, string>>>;
}

/** Every problem in the stack config, one line each, naming the key and the fix. */
export class StackConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid stack configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "StackConfigError";
  }
}

const EXAMPLES: Record<string, string> = {
  domain: "chat.example.org",
  homeserverDomain: "matrix.example.org",
  elementDomain: "element.example.org",
  jitsiDomain: "meet.example.org",
  padDomain: "pad.example.org",
  imDomain: "im.example.org",
  turnDomain: "turn.example.org",
  acmeEmail: "admin@example.org",
  publicIp: "203.0.113.10",
  jitsiAuth: "matrix",
  elementWeb: "true",
  jitsiGuests: "false",
  conferenceAtThirdMember: "true",
  turnPort: "3478",
  turnRelayMinPort: "49160",
  turnRelayMaxPort: "49200",
  jvbPort: "10000",
  backupHour: "3",
  backupKeep: "14",
  backupS3Endpoint: "https://s3.eu-central-1.amazonaws.com",
  backupS3Bucket: "atrium-backups/prod",
  backupS3Region: "eu-central-1",
};

/** How to fix one key, as a command the operator can paste. */
export function fixFor(path: readonly (string | number)[]): string {
  const [top, sub] = path;
  const key = `${NAMESPACE}:${String(top)}`;
  if (top === "images") {
    const name = typeof sub === "string" ? sub : "<name>";
    const example = (DEFAULT_IMAGES as Record<string, string>)[name] ?? "repo/image:1.2.3";
    return `set it with pulumi config set --path '${key}.${name}' ${example}`;
  }
  if ((OPERATOR_SECRET_KEYS as readonly unknown[]).includes(top)) {
    return `set it with pulumi config set --secret ${key} <value from your S3 provider>`;
  }
  if ((SECRET_KEYS as readonly unknown[]).includes(top)) {
    return `set it with pulumi config set --secret ${key} <at least 16 characters>, or remove it (pulumi config rm ${key}) to have one generated`;
  }
  const example = EXAMPLES[String(top)];
  return example === undefined
    ? `remove it with pulumi config rm ${key}`
    : `set it with pulumi config set ${key} ${example}`;
}

/**
 * Validates raw `atrium:*` values (keys without the namespace) and derives defaults.
 * Throws {@link StackConfigError} listing every problem at once.
 */
export function parseStackConfig(raw: Readonly<Record<string, unknown>>): ParsedConfig {
  const result = rawSchema.safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues.flatMap((issue) => {
      const path = issue.path.map((segment) =>
        typeof segment === "number" ? segment : String(segment),
      );
      if (issue.code === "unrecognized_keys") return issue.keys.map((k) => unknownKey(path, k));
      const missing = issue.code === "invalid_type" && valueAt(raw, path) === undefined;
      return [
        `${NAMESPACE}:${path.join(".")}: ${missing ? "required" : issue.message} — ${fixFor(path)}`,
      ];
    });
    throw new StackConfigError(problems);
  }
  const c = result.data as z.infer<typeof rawSchema> & Record<string, unknown>;
  const images = { ...DEFAULT_IMAGES, ...(c.images as Partial<Record<ImageKey, string>>) };
  const secretValues: Partial<Record<SecretKey, string>> = {};
  for (const key of SECRET_KEYS) {
    const value = c[key];
    if (typeof value === "string") secretValues[key] = value;
  }
  const settings: StackSettings = {
    domain: c.domain,
    homeserverDomain: c.homeserverDomain ?? c.domain,
    elementDomain: c.elementDomain ?? `element.${c.domain}`,
    jitsiDomain: c.jitsiDomain ?? `meet.${c.domain}`,
    padDomain: c.padDomain ?? `pad.${c.domain}`,
    imDomain: c.imDomain ?? `im.${c.domain}`,
    turnDomain: c.turnDomain ?? `turn.${c.domain}`,
    acmeEmail: c.acmeEmail,
    publicIp: c.publicIp,
    jitsiAuth: c.jitsiAuth,
    elementWeb: c.elementWeb,
    jitsiGuests: c.jitsiGuests,
    conferenceAtThirdMember: c.conferenceAtThirdMember,
    turnPort: c.turnPort,
    turnRelayMinPort: c.turnRelayMinPort,
    turnRelayMaxPort: c.turnRelayMaxPort,
    jvbPort: c.jvbPort,
    backup: Object.freeze({
      hour: c.backupHour,
      keep: c.backupKeep,
      ...(c.backupS3Endpoint !== undefined && c.backupS3Bucket !== undefined
        ? {
            s3: Object.freeze({
              endpoint: c.backupS3Endpoint,
              bucket: c.backupS3Bucket,
              ...(c.backupS3Region === undefined ? {} : { region: c.backupS3Region }),
            }),
          }
        : {}),
    }),
    images,
  };
  const clashes = domainClashes(settings);
  if (clashes.length > 0) throw new StackConfigError(clashes);
  return { settings: Object.freeze(settings), secretValues: Object.freeze(secretValues) };
}

/**
 * Each web service needs a host name of its own (Caddy serves one site per name, and the
 * integration manager must not share an origin with pads); only Synapse may sit on `domain`.
 */
function domainClashes(s: StackSettings): string[] {
  const hosts: [string, string][] = [
    ["homeserverDomain", s.homeserverDomain],
    ["elementDomain", s.elementDomain],
    ["jitsiDomain", s.jitsiDomain],
    ["padDomain", s.padDomain],
    ["imDomain", s.imDomain],
  ];
  const problems: string[] = [];
  hosts.forEach(([key, host], i) => {
    const earlier = hosts.slice(0, i).find(([, other]) => other === host);
    const onDomain = key !== "homeserverDomain" && host === s.domain;
    if (earlier !== undefined || onDomain) {
      const other = earlier?.[0] ?? "domain";
      problems.push(
        `${NAMESPACE}:${key}: ${host} is also ${NAMESPACE}:${other}; each service needs its own host name — ${fixFor([key])}`,
      );
    }
  });
  return problems;
}

/** The raw value at a schema path (`undefined` when any step is missing). */
function valueAt(raw: unknown, path: readonly (string | number)[]): unknown {
  let value = raw;
  for (const segment of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<string | number, unknown>)[segment];
  }
  return value;
}

function unknownKey(path: readonly (string | number)[], key: string): string {
  const full = `${NAMESPACE}:${[...path, key].join(".")}`;
  return path[0] === "images"
    ? `${full}: unknown image — known images are ${IMAGE_KEYS.join(", ")}`
    : `${full}: unknown key (a typo?) — remove it with pulumi config rm ${full}`;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // Leave it to the schema to say "expected object": the text is what the operator typed.
    return text;
  }
}
