/** The stack config's error and the paste-ready fix for each key. */
import { DEFAULT_IMAGES } from "../images";
import { NAMESPACE, OPERATOR_SECRET_KEYS, SECRET_KEYS } from "./keys";

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
  sfuDomain: "sfu.example.org",
  calls: "both",
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

const KUBERNETES_EXAMPLES: Record<string, string> = {
  appserviceImage: "registry.example.org/atrium/appservice:1.0.0",
  postgresHost: "db.example.internal",
  postgresCidr: "10.20.0.0/24",
  workers: "2",
  namespace: "atrium",
  ingressClass: "nginx",
  clusterIssuer: "letsencrypt",
  jvbMode: "hostPort",
  sfuNodeLabel: "atrium.dev/sfu=true",
  postgres: "external",
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
  if (top === "synapseSigningKey") {
    return `set it with pulumi config set --secret ${key} "$(cat signing.key)", or remove it to have one generated`;
  }
  if (top === "kubernetes") {
    const field = typeof sub === "string" ? sub : "<field>";
    if (field === "workers") {
      const type = typeof path[2] === "string" ? path[2] : "<type>";
      return `set it with pulumi config set --path '${key}.workers.${type}' 1, or remove it with pulumi config rm --path '${key}.workers.${type}'`;
    }
    const example = KUBERNETES_EXAMPLES[field] ?? "<value>";
    return `set it with pulumi config set --path '${key}.${field}' ${example}`;
  }
  if (top === "backupEncryptionPassphrase") {
    return `set it with pulumi config set --secret ${key} "$(openssl rand -base64 32)", and store the same value in your password manager`;
  }
  if (top === "imageDigests") {
    const name = typeof sub === "string" ? sub : "<name>";
    return `set it with pulumi config set --path '${key}.${name}' "$(crane digest <the image>)" from a registry you trust, or remove it with pulumi config rm --path '${key}.${name}'`;
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
