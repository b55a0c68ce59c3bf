/** The parsed, defaulted settings the components read. */
import type { ImageKey } from "../images";
import type { KubernetesSettings } from "../kubernetes-schema";
import type { CallMode, SecretKey } from "./keys";

/** Everything the components need, validated and defaulted; secrets are not in here. */
export interface StackSettings {
  /** Where the stack runs: one Docker host (default) or a Kubernetes cluster. */
  readonly target: "docker" | "kubernetes";
  /** The Kubernetes target's settings (present when `target` is kubernetes). */
  readonly kubernetes?: KubernetesSettings;
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
  /**
   * Host of the LiveKit SFU's websocket, the `url` every call token names (default:
   * `sfu.<domain>`). Only served when {@link StackSettings.calls} includes Element Call.
   */
  readonly sfuDomain: string;
  /** Which calls the stack offers (default `both`); see {@link CallMode}. */
  readonly calls: CallMode;
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
  /**
   * Image references, defaults overridden by `atrium:images.<key>`, each with the digest of
   * `atrium:imageDigests.<key>` appended when one is set (`repo:tag@sha256:…`).
   */
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
