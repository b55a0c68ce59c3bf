/** The field validators the raw schema is built from (host names, ports, secrets, images). */
import { z } from "zod";
import { IMAGE_KEYS } from "../images";

export const hostname = z
  .string()
  .regex(
    /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/,
    "not a lower-case DNS name with a dot (e.g. chat.example.org)",
  );
export const port = z.coerce
  .number({ error: "not a number" })
  .int("not a whole number")
  .min(1, "below 1")
  .max(65535, "above 65535");
export const flag = z
  .union([z.boolean(), z.enum(["true", "false"])], { error: "must be true or false" })
  .transform((v) => v === true || v === "true");
export const secret = z
  .string()
  .min(16, "too short: secrets need at least 16 characters")
  .regex(/^\S+$/, "must not contain spaces")
  .refine((v) => !/^(changeme|password|secret|admin)/i.test(v), "looks like a default password");
/** An S3 key as the provider issued it (MinIO and others allow short ones). */
export const s3Credential = z.string().regex(/^\S+$/, "must be one word without spaces");
/** The offsite copy's key: long enough that a guess is hopeless (scrypt slows each one). */
export const passphrase = z
  .string()
  .min(24, "too short: use at least 24 characters, e.g. openssl rand -base64 32")
  .regex(/^\S+$/, "must not contain spaces");
/** A Synapse signing key file's line: `ed25519 <key id> <unpadded base64 seed>`. */
export const signingKey = z
  .string()
  .trim()
  .regex(
    /^ed25519 a_[A-Za-z0-9_]+ [A-Za-z0-9+/]{43}=?$/,
    "not a Synapse signing key (ed25519 a_<id> <base64>, the line in signing.key)",
  );
/** An image reference with an explicit tag that is not `latest` (a digest pin is fine too). */
export const pinnedImage = z
  .string()
  .regex(/^[a-z0-9./_-]+(:[A-Za-z0-9._-]+|@sha256:[a-f0-9]{64})$/, "needs an explicit tag")
  .refine((v) => !v.endsWith(":latest"), "`latest` is not a pin; name a version tag");

export const imagesSchema = z
  .object(Object.fromEntries(IMAGE_KEYS.map((k) => [k, pinnedImage.optional()])))
  .strict();

/** Parses a JSON value the operator typed; leaves the text as it is when it is not JSON. */
export function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // Leave it to the schema to say "expected object": the text is what the operator typed.
    return text;
  }
}
