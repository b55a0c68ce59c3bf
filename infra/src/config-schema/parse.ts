/** The pure parser: raw `atrium:*` values to {@link ParsedConfig}, every problem at once. */
import type { z } from "zod";
import { withDigests, type ImageDigests } from "../image-digests";
import { DEFAULT_IMAGES, IMAGE_KEYS, type ImageKey } from "../images";
import { kubernetesSettings } from "../kubernetes-schema";
import { fixFor, StackConfigError } from "./fix";
import { NAMESPACE, SECRET_KEYS, type SecretKey } from "./keys";
import { rawSchema } from "./raw";
import type { ParsedConfig, StackSettings } from "./settings";

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
  const images = withDigests(
    { ...DEFAULT_IMAGES, ...(c.images as Partial<Record<ImageKey, string>>) },
    c.imageDigests as ImageDigests,
  );
  const secretValues: Partial<Record<SecretKey, string>> = {};
  for (const key of SECRET_KEYS) {
    const value = c[key];
    if (typeof value === "string") secretValues[key] = value;
  }
  const settings: StackSettings = {
    target: c.target,
    ...(c.target === "kubernetes" && c.kubernetes !== undefined
      ? { kubernetes: kubernetesSettings(c.kubernetes) }
      : {}),
    domain: c.domain,
    homeserverDomain: c.homeserverDomain ?? c.domain,
    elementDomain: c.elementDomain ?? `element.${c.domain}`,
    jitsiDomain: c.jitsiDomain ?? `meet.${c.domain}`,
    padDomain: c.padDomain ?? `pad.${c.domain}`,
    imDomain: c.imDomain ?? `im.${c.domain}`,
    turnDomain: c.turnDomain ?? `turn.${c.domain}`,
    sfuDomain: c.sfuDomain ?? `sfu.${c.domain}`,
    calls: c.calls,
    acmeEmail: c.acmeEmail,
    publicIp: c.publicIp,
    jitsiAuth: c.jitsiAuth,
    elementWeb: c.elementWeb,
    jitsiGuests: c.jitsiGuests,
    // With Element Call as the room's call, Atrium does not add a second (Jitsi) one on its own.
    conferenceAtThirdMember: c.calls === "element-call" ? false : c.conferenceAtThirdMember,
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
  const clashes = [...domainClashes(settings), ...callModeClashes(raw, settings)];
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
    ...(s.calls === "jitsi" ? [] : [["sfuDomain", s.sfuDomain] as [string, string]]),
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

/** `element-call` turns the Jitsi conference at the third member off; saying "on" is a contradiction. */
function callModeClashes(raw: Readonly<Record<string, unknown>>, s: StackSettings): string[] {
  const asked = raw.conferenceAtThirdMember;
  if (s.calls !== "element-call" || (asked !== true && asked !== "true")) return [];
  return [
    `${NAMESPACE}:conferenceAtThirdMember: true contradicts ${NAMESPACE}:calls element-call (the call button already starts the room's Element Call) — remove it with pulumi config rm ${NAMESPACE}:conferenceAtThirdMember, or set ${NAMESPACE}:calls both`,
  ];
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
