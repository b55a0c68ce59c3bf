/** The schema of the raw `atrium:*` values and its cross-field checks. */
import { z } from "zod";
import { imageDigestProblems, imageDigestsSchema, type ImageDigests } from "../image-digests";
import { DEFAULT_IMAGES, JITSI_IMAGE_KEYS, type ImageKey } from "../images";
import { jitsiRelease } from "../jitsi-release";
import { checkKubernetes, kubernetesSchema } from "../kubernetes-schema";
import {
  flag,
  hostname,
  imagesSchema,
  passphrase,
  pinnedImage,
  port,
  s3Credential,
  safeJson,
  secret,
  signingKey,
} from "./fields";
import { CALL_MODES, GENERATED_SECRET_KEYS } from "./keys";

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
    sfuDomain: hostname.optional(),
    calls: z.enum(CALL_MODES, { error: "must be jitsi, element-call or both" }).default("both"),
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
    target: z
      .enum(["docker", "kubernetes"], { error: "must be docker or kubernetes" })
      .default("docker"),
    kubernetes: z
      .preprocess((v) => (typeof v === "string" ? safeJson(v) : v), kubernetesSchema)
      .optional(),
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
    backupS3AccessKeyId: s3Credential.optional(),
    backupS3SecretAccessKey: s3Credential.optional(),
    backupEncryptionPassphrase: passphrase.optional(),
    imageDigests: z
      .preprocess((v) => (typeof v === "string" ? safeJson(v) : v), imageDigestsSchema)
      .prefault({}),
    synapseSigningKey: signingKey.optional(),
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
    const livekitSecret = (c as Record<string, unknown>).livekitApiSecret;
    if (typeof livekitSecret === "string" && livekitSecret.length < 32) {
      ctx.addIssue({
        code: "custom",
        path: ["livekitApiSecret"],
        message: "too short: LiveKit refuses API secrets under 32 characters",
      });
    }
    checkJitsiImages(c.images as Partial<Record<ImageKey, string>>, ctx);
    checkBackupTarget(c as unknown as Record<string, unknown>, ctx);
    for (const p of imageDigestProblems(c.images, c.imageDigests as ImageDigests)) {
      ctx.addIssue({ code: "custom", path: ["imageDigests", p.key], message: p.message });
    }
    if (c.target === "kubernetes") {
      if (c.kubernetes === undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["kubernetes", "appserviceImage"],
          message: "required with target kubernetes (the appservice image in your registry)",
        });
      } else {
        checkKubernetes(
          c.kubernetes,
          (c as Record<string, unknown>).postgresPassword !== undefined,
          ctx,
        );
        if (!pinnedImage.safeParse(c.kubernetes.appserviceImage).success) {
          ctx.addIssue({
            code: "custom",
            path: ["kubernetes", "appserviceImage"],
            message:
              "needs an explicit tag that is not latest (e.g. registry.example.org/atrium/appservice:1.0.0)",
          });
        }
      }
    }
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
  if (given.length === parts.length && c.backupEncryptionPassphrase === undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["backupEncryptionPassphrase"],
      message:
        "required with an S3 target: the offsite copy is encrypted with it (keep a copy outside the stack, README Backups)",
    });
  }
  if (given.length === 0 || given.length === parts.length) return;
  for (const k of parts.filter((p) => c[p] === undefined)) {
    ctx.addIssue({
      code: "custom",
      path: [k],
      message: `required with ${given.join(", ")} (an offsite backup target needs all four)`,
    });
  }
}
