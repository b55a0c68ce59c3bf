/**
 * Database backups on Kubernetes: a CronJob runs the Docker target's backup script (pg_dump of
 * every database, checksummed, the newest `backupKeep` sets kept) into a kept claim. Volumes
 * (media, prosody) are left to the cluster's volume snapshots: a claim mounted ReadWriteOnce by
 * Synapse cannot be mounted by the job as well.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { BACKUP_PATHS } from "../components/backup";
import { DATABASES } from "../components/names";
import { renderBackupScript, renderRestoreScript } from "../render/backup";
import {
  hardened,
  keptClaim,
  labels,
  meta,
  podSecurity,
  resources,
  scratch,
  type KubeContext,
} from "./meta";
import { POSTGRES_SECRET } from "./postgres";

export const BACKUP_CRONJOB = "atrium-backup";

export class Backup extends pulumi.ComponentResource {
  constructor(name: string, ctx: KubeContext, opts?: pulumi.ComponentResourceOptions) {
    super("atrium:kubernetes:Backup", name, {}, opts);
    const c = ctx.settings;
    const options = { databases: Object.values(DATABASES), volumes: [], keep: c.backup.keep };
    const scripts = new k8s.core.v1.ConfigMap(
      `${name}-scripts`,
      {
        metadata: meta(ctx, "atrium-backup-scripts"),
        data: {
          "backup.sh": renderBackupScript(options),
          "restore.sh": renderRestoreScript(options),
        },
      },
      { parent: this },
    );
    const claim = keptClaim(ctx, `${name}-claim`, "atrium-backups", "20Gi", this);
    const tmp = scratch("tmp", "/tmp", "64Mi");
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
              template: {
                metadata: { labels: labels(BACKUP_CRONJOB) },
                spec: {
                  restartPolicy: "OnFailure",
                  securityContext: podSecurity(70),
                  containers: [
                    {
                      name: "backup",
                      image: c.images.postgres,
                      command: ["/bin/sh", "/atrium-backup/backup.sh"],
                      envFrom: [{ secretRef: { name: POSTGRES_SECRET } }],
                      env: [{ name: "ATRIUM_BACKUP_DIR", value: BACKUP_PATHS.backups }],
                      securityContext: hardened({ user: 70, readOnlyRoot: true }),
                      resources: resources("100m", "128Mi", "1Gi"),
                      volumeMounts: [
                        { name: "scripts", mountPath: "/atrium-backup" },
                        { name: "backups", mountPath: BACKUP_PATHS.backups },
                        tmp.mount,
                      ],
                    },
                  ],
                  volumes: [
                    { name: "scripts", configMap: { name: scripts.metadata.name } },
                    { name: "backups", persistentVolumeClaim: { claimName: claim.metadata.name } },
                    tmp.volume,
                  ],
                },
              },
            },
          },
        },
      },
      { parent: this },
    );
    this.registerOutputs({});
  }
}
