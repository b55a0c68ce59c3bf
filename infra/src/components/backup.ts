/** Scheduled backups of every database and state volume, with an optional S3 copy. */
import type * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import type { StackSettings } from "../config";
import {
  renderBackupScheduler,
  renderBackupScript,
  renderOffsiteScript,
  renderRestoreScript,
  type BackupOptions,
} from "../render/backup";
import { adminEnv } from "../services/postgres";
import { dataVolume, pinnedImage, serviceContainer } from "./container";
import { envLines } from "./from-spec";
import { DATABASES, HOSTS, PORTS } from "./names";
import type { Networks } from "./networks";
import type { Secrets } from "./secrets";

/** Where the scripts and the backup volume sit in the backup container. */
export const BACKUP_PATHS = {
  backups: "/backups",
  backupScript: "/atrium-backup/backup.sh",
  restoreScript: "/atrium-backup/restore.sh",
  scheduler: "/atrium-backup/schedule.sh",
  offsite: "/atrium-backup/offsite.sh",
} as const;

/** A state volume to back up, by its name in the archive. */
export interface BackupSource {
  readonly name: string;
  readonly volume: docker.Volume;
}

/** Inputs of {@link Backup}. */
export interface BackupArgs {
  readonly settings: StackSettings;
  readonly networks: Networks;
  readonly secrets: Secrets;
  /** The Postgres server image: its pg_dump matches the server. */
  readonly postgresImage: pulumi.Input<string>;
  readonly sources: readonly BackupSource[];
}

/**
 * `atrium-backup` dumps every database and archives the state volumes daily into the
 * `atrium-backups` volume (kept by `pulumi destroy`), keeping the newest `backupKeep` sets; it
 * also runs restores (`pnpm restore`), which is why the sources are mounted writable.
 * With an S3 target, `atrium-backup-offsite` copies the sets there hourly, encrypted with
 * `atrium:backupEncryptionPassphrase` (contents and names; the bucket holds no plaintext).
 */
export class Backup extends pulumi.ComponentResource {
  constructor(name: string, args: BackupArgs, opts?: pulumi.ComponentResourceOptions) {
    super("atrium:infra:Backup", name, {}, opts);
    const { settings: c, secrets: s } = args;
    const options: BackupOptions = {
      databases: Object.values(DATABASES),
      volumes: args.sources.map((v) => ({ name: v.name, path: `/sources/${v.name}` })),
      keep: c.backup.keep,
    };
    const backups = dataVolume(`${name}-volume`, "atrium-backups", { parent: this });
    serviceContainer(
      name,
      {
        name: HOSTS.backup,
        image: args.postgresImage,
        networks: [{ network: args.networks.database }],
        envs: envLines({
          ...adminEnv(s, { host: HOSTS.postgres, port: PORTS.postgres }),
          ATRIUM_BACKUP_DIR: BACKUP_PATHS.backups,
        }),
        entrypoints: ["/bin/sh", BACKUP_PATHS.scheduler],
        volumes: [
          { volume: backups, path: BACKUP_PATHS.backups },
          ...args.sources.map((v) => ({ volume: v.volume, path: `/sources/${v.name}` })),
        ],
        uploads: [
          { path: BACKUP_PATHS.backupScript, content: renderBackupScript(options) },
          { path: BACKUP_PATHS.restoreScript, content: renderRestoreScript(options) },
          {
            path: BACKUP_PATHS.scheduler,
            content: renderBackupScheduler({
              hour: c.backup.hour,
              backupScript: BACKUP_PATHS.backupScript,
            }),
          },
        ],
        healthcheck: ["CMD", "pg_isready", "--dbname", "postgres"],
      },
      { parent: this },
    );
    const s3 = c.backup.s3;
    const keyId = s.optional("backupS3AccessKeyId");
    const secretKey = s.optional("backupS3SecretAccessKey");
    const passphrase = s.optional("backupEncryptionPassphrase");
    if (
      s3 !== undefined &&
      keyId !== undefined &&
      secretKey !== undefined &&
      passphrase !== undefined
    ) {
      const image = pinnedImage(`${name}-offsite-image`, c.images.rclone, { parent: this });
      serviceContainer(
        `${name}-offsite`,
        {
          name: HOSTS.backupOffsite,
          image: image.imageId,
          // Only outbound HTTPS to the S3 endpoint: the services network has a route out.
          networks: [{ network: args.networks.services }],
          // rclone reads a remote's settings from RCLONE_CONFIG_<NAME>_<OPTION> variables.
          envs: [
            "RCLONE_CONFIG_ATRIUM_TYPE=s3",
            "RCLONE_CONFIG_ATRIUM_PROVIDER=Other",
            `RCLONE_CONFIG_ATRIUM_ENDPOINT=${s3.endpoint}`,
            ...(s3.region === undefined ? [] : [`RCLONE_CONFIG_ATRIUM_REGION=${s3.region}`]),
            pulumi.interpolate`RCLONE_CONFIG_ATRIUM_ACCESS_KEY_ID=${keyId}`,
            pulumi.interpolate`RCLONE_CONFIG_ATRIUM_SECRET_ACCESS_KEY=${secretKey}`,
            // The sets are encrypted before they leave (rclone crypt; render/backup.ts).
            pulumi.interpolate`ATRIUM_BACKUP_PASSPHRASE=${passphrase}`,
            `ATRIUM_BACKUP_DIR=${BACKUP_PATHS.backups}`,
          ],
          entrypoints: ["/bin/sh", BACKUP_PATHS.offsite],
          volumes: [{ volume: backups, path: BACKUP_PATHS.backups }],
          uploads: [
            {
              path: BACKUP_PATHS.offsite,
              content: renderOffsiteScript({ bucket: s3.bucket, keepDays: c.backup.keep }),
            },
          ],
          healthcheck: ["CMD", "rclone", "version"],
        },
        { parent: this },
      );
    }
    this.registerOutputs({});
  }
}
