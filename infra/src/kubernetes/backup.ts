/**
 * Database backups on Kubernetes: a CronJob runs the Docker target's backup script (pg_dump of
 * every database, checksummed, the newest `backupKeep` sets kept) into a kept claim. Volumes
 * (media, prosody) are left to the cluster's volume snapshots: a claim mounted ReadWriteOnce by
 * Synapse cannot be mounted by the job as well. The claim sits in the same cluster, so with an
 * S3 target each run then copies the sets offsite, encrypted (the Docker target's offsite
 * script, once): the backup is an init container, the copy the job's container.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { renderBackupScript, renderOffsiteScript, renderRestoreScript } from "../render/backup";
import { BACKUP_DIR_ENV, BACKUP_PATHS, backupOptions, offsiteEnv } from "../services/backup";
import { envOf } from "./from-spec";
import {
  hardened,
  keptClaim,
  labels,
  meta,
  podSecurity,
  resources,
  scratch,
  secretOf,
  type KubeContext,
} from "./meta";
import { POSTGRES_SECRET } from "./postgres";
import { podTemplate } from "./workload";

export const BACKUP_CRONJOB = "atrium-backup";
/** The backup user (the postgres image's, 70): the copy reads its private files as the same. */
const BACKUP_UID = 70;
type Container = k8s.types.input.core.v1.Container;

export class Backup extends pulumi.ComponentResource {
  constructor(name: string, ctx: KubeContext, opts?: pulumi.ComponentResourceOptions) {
    super("atrium:kubernetes:Backup", name, {}, opts);
    const c = ctx.settings;
    const options = backupOptions(c, []);
    const offsite = this.offsite(name, ctx);
    const scripts = new k8s.core.v1.ConfigMap(
      `${name}-scripts`,
      {
        metadata: meta(ctx, "atrium-backup-scripts"),
        data: {
          "backup.sh": renderBackupScript(options),
          "restore.sh": renderRestoreScript(options),
          ...(offsite === undefined ? {} : { "offsite.sh": offsite.script }),
        },
      },
      { parent: this },
    );
    const claim = keptClaim(ctx, `${name}-claim`, "atrium-backups", "20Gi", this);
    const tmp = scratch("tmp", "/tmp", "64Mi");
    const mounts = [
      { name: "scripts", mountPath: "/atrium-backup" },
      { name: "backups", mountPath: BACKUP_PATHS.backups },
      tmp.mount,
    ];
    const backup: Container = {
      name: "backup",
      image: c.images.postgres,
      command: ["/bin/sh", "/atrium-backup/backup.sh"],
      envFrom: [{ secretRef: { name: POSTGRES_SECRET } }],
      env: envOf(BACKUP_DIR_ENV),
      securityContext: hardened({ user: BACKUP_UID, readOnlyRoot: true }),
      resources: resources("100m", "128Mi", "1Gi"),
      volumeMounts: mounts,
    };
    // With an offsite copy the backup runs first, as an init container, and the copy after it.
    const containers: { initContainers?: Container[]; containers: Container[] } =
      offsite === undefined
        ? { containers: [backup] }
        : {
            initContainers: [backup],
            containers: [
              {
                name: "offsite",
                image: c.images.rclone,
                command: ["/bin/sh", "/atrium-backup/offsite.sh"],
                envFrom: [{ secretRef: { name: offsite.secret } }],
                env: envOf({ ...BACKUP_DIR_ENV, HOME: "/tmp", XDG_CACHE_HOME: "/tmp" }),
                securityContext: hardened({ user: BACKUP_UID, readOnlyRoot: true }),
                resources: resources("100m", "64Mi", "512Mi"),
                volumeMounts: mounts,
              },
            ],
          };
    new k8s.batch.v1.CronJob(
      name,
      {
        metadata: meta(ctx, BACKUP_CRONJOB, { labels: labels(BACKUP_CRONJOB) }),
        spec: {
          schedule: `0 ${c.backup.hour} * * *`,
          timeZone: "Etc/UTC",
          concurrencyPolicy: "Forbid",
          jobTemplate: {
            spec: {
              backoffLimit: 2,
              template: podTemplate(BACKUP_CRONJOB, {
                pod: {
                  restartPolicy: "OnFailure",
                  securityContext: podSecurity(BACKUP_UID),
                  ...containers,
                  volumes: [
                    { name: "scripts", configMap: { name: scripts.metadata.name } },
                    { name: "backups", persistentVolumeClaim: { claimName: claim.metadata.name } },
                    tmp.volume,
                  ],
                },
              }),
            },
          },
        },
      },
      { parent: this },
    );
    this.registerOutputs({});
  }

  /** The offsite copy's script and Secret, when an S3 target and its keys are configured. */
  private offsite(name: string, ctx: KubeContext): { script: string; secret: string } | undefined {
    const c = ctx.settings;
    const env = offsiteEnv(c, ctx.secrets);
    const s3 = c.backup.s3;
    if (env === undefined || s3 === undefined) return undefined;
    const secret = "atrium-backup-offsite";
    secretOf(ctx, `${name}-offsite`, secret, env, this);
    return {
      script: renderOffsiteScript({ bucket: s3.bucket, keepDays: c.backup.keep, once: true }),
      secret,
    };
  }
}
