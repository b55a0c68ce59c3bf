/**
 * Backups as both targets run them: the scripts' paths and options, and the offsite copy's
 * rclone settings. Docker runs the backup on a schedule in a long-lived container and the copy
 * hourly; Kubernetes runs both from one CronJob.
 */
import type { StackSettings } from "../config";
import { DATABASES } from "../components/names";
import type { Secrets } from "../components/secrets";
import type { BackupOptions } from "../render/backup";
import type { Env } from "./postgres";

/** Where the scripts and the backup volume sit in the backup containers. */
export const BACKUP_PATHS = {
  backups: "/backups",
  backupScript: "/atrium-backup/backup.sh",
  restoreScript: "/atrium-backup/restore.sh",
  scheduler: "/atrium-backup/schedule.sh",
  offsite: "/atrium-backup/offsite.sh",
} as const;

/** The variable every backup script reads the sets' folder from. */
export const BACKUP_DIR_ENV = { ATRIUM_BACKUP_DIR: BACKUP_PATHS.backups } as const;

/** What the backup and restore scripts cover: every database, the given state volumes. */
export function backupOptions(c: StackSettings, volumes: BackupOptions["volumes"]): BackupOptions {
  return { databases: Object.values(DATABASES), volumes, keep: c.backup.keep };
}

/**
 * The offsite copy's variables, when an S3 target and its keys are all configured: rclone
 * reads a remote's settings from RCLONE_CONFIG_<NAME>_<OPTION> variables, and the sets are
 * encrypted with the passphrase before they leave (rclone crypt; render/backup.ts).
 */
export function offsiteEnv(c: StackSettings, s: Secrets): Env | undefined {
  const s3 = c.backup.s3;
  const keyId = s.optional("backupS3AccessKeyId");
  const secretKey = s.optional("backupS3SecretAccessKey");
  const passphrase = s.optional("backupEncryptionPassphrase");
  if (s3 === undefined || keyId === undefined || secretKey === undefined) return undefined;
  if (passphrase === undefined) return undefined;
  return {
    RCLONE_CONFIG_ATRIUM_TYPE: "s3",
    RCLONE_CONFIG_ATRIUM_PROVIDER: "Other",
    RCLONE_CONFIG_ATRIUM_ENDPOINT: s3.endpoint,
    ...(s3.region === undefined ? {} : { RCLONE_CONFIG_ATRIUM_REGION: s3.region }),
    RCLONE_CONFIG_ATRIUM_ACCESS_KEY_ID: keyId,
    RCLONE_CONFIG_ATRIUM_SECRET_ACCESS_KEY: secretKey,
    ATRIUM_BACKUP_PASSPHRASE: passphrase,
  };
}
