/**
 * `atrium:imageDigests`: pins images by content, not only by tag. A tag can be moved to other
 * bytes by whoever controls the repository (or a compromised registry account); a digest
 * cannot. Each entry names an image of `images.ts` and the `sha256:` digest of the manifest (list)
 * the operator checked, read from a registry they trust:
 *
 *   crane digest postgres:16.14-alpine
 *   docker buildx imagetools inspect postgres:16.14-alpine --format '{{json .Manifest.Digest}}'
 *
 * Both targets then pull `<repository>:<tag>@sha256:<digest>`: the tag stays for people
 * reading it (and for the Jitsi release the web port is derived from), the digest decides what
 * runs. Pure; the stack config schema embeds it.
 */
import { z } from "zod";
import { IMAGE_KEYS, type ImageKey } from "./images";

/** A manifest digest as registries print it. */
export const DIGEST = /^sha256:[a-f0-9]{64}$/;

const digest = z
  .string()
  .trim()
  .regex(DIGEST, "not an image digest (sha256: followed by 64 lower-case hex digits)");

/** The raw `atrium:imageDigests` object: image name → digest, every entry optional. */
export const imageDigestsSchema = z
  .object(Object.fromEntries(IMAGE_KEYS.map((k) => [k, digest.optional()])))
  .strict();

/** Digests by image name, as parsed. */
export type ImageDigests = Readonly<Partial<Record<ImageKey, string>>>;

/**
 * Problems with digests next to image overrides: an override that carries its own digest and a
 * digest entry for the same image would leave two answers to "what runs".
 */
export function imageDigestProblems(
  overrides: Readonly<Partial<Record<ImageKey, string>>>,
  digests: ImageDigests,
): { key: ImageKey; message: string }[] {
  return IMAGE_KEYS.filter(
    (k) => digests[k] !== undefined && (overrides[k] ?? "").includes("@sha256:"),
  ).map((key) => ({
    key,
    message: `atrium:images.${key} already names a digest; keep it there or in atrium:imageDigests.${key}, not both`,
  }));
}

/** The images with each digest appended to its reference (`repo:tag@sha256:…`). */
export function withDigests(
  images: Readonly<Record<ImageKey, string>>,
  digests: ImageDigests,
): Record<ImageKey, string> {
  const pinned = { ...images };
  for (const key of IMAGE_KEYS) {
    const d = digests[key];
    if (d !== undefined) pinned[key] = `${images[key]}@${d}`;
  }
  return pinned;
}
