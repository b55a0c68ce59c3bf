/** Scheduled backups of every database and state volume, with an optional S3 copy. */
import type * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import {
  renderBackupScheduler,
  renderBackupScript,
  renderOffsiteScript,
  renderRestoreScript,
} from "../render/backup";
import { BACKUP_DIR_ENV, BACKUP_PATHS, backupOptions, offsiteEnv } from "../services/backup";
import { adminEnv } from "../services/postgres";
import { dataVolume, pinnedImage, serviceContainer } from "./container";
import { envLines } from "./from-spec";
import { HOSTS, PORTS } from "./names";
import type { StackArgs } from "./stack-args";

/** A state volume to back up, by its name in the archive. */
export interface BackupSource {
  readonly name: string;
  readonly volume: docker.Volume;
  /** SQLite files in it that are archived by their consistent copy (render/backup-options.ts). */
  readonly sqlite?: readonly string[];
}

/** Inputs of {@link Backup}. */
export interface BackupArgs extends StackArgs {
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
    const options = backupOptions(
      c,
      args.sources.map((v) => ({
        name: v.name,
        path: `/sources/${v.name}`,
        ...(v.sqlite ? { sqlite: v.sqlite } : {}),
      })),
    );
    const backups = dataVolume(`${name}-volume`, "atrium-backups", { parent: this });
    serviceContainer(
      name,
      {
        name: HOSTS.backup,
        image: args.postgresImage,
        networks: [{ network: args.networks.database }],
        envs: envLines({
          ...adminEnv(s, { host: HOSTS.postgres, port: PORTS.postgres }),
          ...BACKUP_DIR_ENV,
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
    const offsite = offsiteEnv(c, s);
    const s3 = c.backup.s3;
    if (offsite !== undefined && s3 !== undefined) {
      const image = pinnedImage(`${name}-offsite-image`, c.images.rclone, { parent: this });
      serviceContainer(
        `${name}-offsite`,
        {
          name: HOSTS.backupOffsite,
          image: image.imageId,
          // Only outbound HTTPS to the S3 endpoint: the services network has a route out.
          networks: [{ network: args.networks.services }],
          envs: envLines({ ...offsite, ...BACKUP_DIR_ENV }),
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
