/**
 * The backup and restore scripts the backup container runs (a Postgres image: pg_dump,
 * pg_restore, psql, tar and sha256sum). Pure renderers, so tests run the very same scripts
 * against a local PostgreSQL and local directories.
 */
import { checkDatabaseNames, createDatabaseOptions, type PostgresDatabase } from "./postgres-init";

/** A directory with state, archived into each backup set as `volumes/<name>.tar.gz`. */
export interface BackupVolume {
  /** File-name-safe name, e.g. `synapse-data`. */
  readonly name: string;
  /** Where the volume is mounted in the backup container. */
  readonly path: string;
}

/** Inputs of {@link renderBackupScript} and {@link renderRestoreScript}. */
export interface BackupOptions {
  readonly databases: readonly PostgresDatabase[];
  readonly volumes: readonly BackupVolume[];
  /** Backup sets kept; older ones are deleted after a successful backup. */
  readonly keep: number;
}

const VOLUME_NAME = /^[a-z0-9][a-z0-9-]*$/;
const SAFE_PATH = /^\/[A-Za-z0-9._/-]+$/;

function check(o: BackupOptions): void {
  for (const db of o.databases) checkDatabaseNames(db, "backup");
  for (const v of o.volumes) {
    if (!VOLUME_NAME.test(v.name))
      throw new Error(`backup: volume name "${v.name}" is not a-z0-9-`);
    if (!SAFE_PATH.test(v.path)) throw new Error(`backup: volume path "${v.path}" is not absolute`);
  }
  if (!Number.isInteger(o.keep) || o.keep < 1) throw new Error("backup: keep must be at least 1");
}

/** The shell prologue both scripts share: strict mode, private files, the backup directory. */
const PROLOGUE = [
  "#!/bin/sh",
  "set -eu",
  "# Dumps and archives hold everyone's data: readable by the backup user only.",
  "umask 077",
  'dir="${ATRIUM_BACKUP_DIR:-/backups}"',
];

/**
 * Renders backup.sh: one consistent `pg_dump` (custom format, one snapshot per database) of
 * each database, a tar.gz of each state volume, SHA256SUMS over the set, then an atomic rename
 * from `.partial-<stamp>` to `<stamp>` (UTC, sortable), and retention: only the newest `keep`
 * complete sets stay. Connection settings come from PGHOST, PGUSER and PGPASSWORD.
 */
export function renderBackupScript(o: BackupOptions): string {
  check(o);
  const lines = [
    ...PROLOGUE,
    'stamp="$(date -u +%Y%m%dT%H%M%SZ)"',
    'work="$dir/.partial-$stamp"',
    "# A set left half-written by a crash is never a backup.",
    'rm -rf "$dir"/.partial-*',
    'mkdir -p "$work/volumes"',
  ];
  for (const db of o.databases) {
    lines.push(
      `echo "dumping database ${db.name}"`,
      `pg_dump --format=custom --dbname=${db.name} --file="$work/${db.name}.dump"`,
    );
  }
  for (const v of o.volumes) {
    lines.push(
      `if [ -d ${v.path} ]; then`,
      `  echo "archiving volume ${v.name}"`,
      `  tar -czf "$work/volumes/${v.name}.tar.gz" -C ${v.path} .`,
      "fi",
    );
  }
  lines.push(
    '(cd "$work" && find . -type f ! -name SHA256SUMS | sort | xargs sha256sum > SHA256SUMS)',
    'mv "$work" "$dir/$stamp"',
    'echo "backup set $stamp complete in $dir"',
    `# Retention: the newest ${o.keep} complete sets.`,
    `count="$(find "$dir" -mindepth 1 -maxdepth 1 -type d -name '2*Z' | wc -l)"`,
    `excess=$((count - ${o.keep}))`,
    'if [ "$excess" -gt 0 ]; then',
    `  find "$dir" -mindepth 1 -maxdepth 1 -type d -name '2*Z' | sort | head -n "$excess" | while read -r old; do`,
    '    echo "removing old backup set $(basename "$old")"',
    '    rm -rf "$old"',
    "  done",
    "fi",
  );
  return `${lines.join("\n")}\n`;
}

/**
 * Renders restore.sh `<set>`: checks the set's SHA256SUMS, then recreates each database
 * (dropped with its connections) owned by its service role and restores the dump as that role,
 * and replaces each volume's contents with its archive. The services that use them must be
 * stopped first (the operator command does that).
 */
export function renderRestoreScript(o: BackupOptions): string {
  check(o);
  const lines = [
    ...PROLOGUE,
    'set_name="${1:?usage: restore.sh <backup set, e.g. 20260101T030000Z>}"',
    'case "$set_name" in *[!0-9TZ]*) echo "not a backup set name: $set_name" >&2; exit 2;; esac',
    'set_dir="$dir/$set_name"',
    '[ -f "$set_dir/SHA256SUMS" ] || { echo "no complete backup set $set_name in $dir" >&2; exit 2; }',
    '(cd "$set_dir" && sha256sum -c --quiet SHA256SUMS)',
  ];
  for (const db of o.databases) {
    lines.push(
      `echo "restoring database ${db.name}"`,
      `psql -v ON_ERROR_STOP=1 --quiet --no-psqlrc --dbname postgres <<'SQL'`,
      "SET client_min_messages = warning;",
      `DROP DATABASE IF EXISTS ${db.name} WITH (FORCE);`,
      `CREATE DATABASE ${db.name} ${createDatabaseOptions(db)};`,
      "SQL",
      `pg_restore --exit-on-error --no-owner --role=${db.owner} --dbname=${db.name} "$set_dir/${db.name}.dump"`,
    );
  }
  for (const v of o.volumes) {
    lines.push(
      `if [ -f "$set_dir/volumes/${v.name}.tar.gz" ]; then`,
      `  echo "restoring volume ${v.name}"`,
      `  mkdir -p ${v.path}`,
      `  find ${v.path} -mindepth 1 -delete`,
      `  tar -xzf "$set_dir/volumes/${v.name}.tar.gz" -C ${v.path}`,
      "fi",
    );
  }
  lines.push('echo "restored backup set $set_name"');
  return `${lines.join("\n")}\n`;
}

/**
 * Renders the scheduler the backup container runs as its main process: sleeps until the next
 * `hour`:00 UTC, runs backup.sh, and keeps going when one run fails (logged; the next day tries
 * again). A run's outcome is written to `$dir/.last-run` for the operator.
 */
export function renderBackupScheduler(o: { hour: number; backupScript: string }): string {
  if (!Number.isInteger(o.hour) || o.hour < 0 || o.hour > 23) {
    throw new Error("backup: hour must be 0–23");
  }
  return `${[
    "#!/bin/sh",
    "set -u",
    'dir="${ATRIUM_BACKUP_DIR:-/backups}"',
    "while true; do",
    "  now=$(( $(date -u +%H) * 3600 + $(date -u +%M) * 60 + $(date -u +%S) ))",
    `  wait=$(( (${o.hour * 3600} - now + 86400) % 86400 ))`,
    '  [ "$wait" -eq 0 ] && wait=86400',
    `  echo "next backup in $wait s (daily at ${String(o.hour).padStart(2, "0")}:00 UTC)"`,
    '  sleep "$wait"',
    `  if sh ${o.backupScript}; then`,
    '    echo "ok $(date -u +%Y-%m-%dT%H:%M:%SZ)" > "$dir/.last-run"',
    "  else",
    '    echo "FAILED $(date -u +%Y-%m-%dT%H:%M:%SZ)" | tee "$dir/.last-run" >&2',
    "  fi",
    "done",
  ].join("\n")}\n`;
}

/**
 * Renders the offsite loop of the rclone container: every hour, copies complete backup sets to
 * the `atrium` remote (configured by RCLONE_CONFIG_ATRIUM_* variables, so the keys stay in the
 * environment) and deletes remote files older than `keepDays`. `copy`, never `sync`: an empty
 * local volume must not wipe the offsite copy.
 */
export function renderOffsiteScript(o: { bucket: string; keepDays: number }): string {
  if (!/^[A-Za-z0-9._/-]+$/.test(o.bucket)) throw new Error("backup: bad bucket");
  return `${[
    "#!/bin/sh",
    "set -u",
    "while true; do",
    `  rclone copy /backups atrium:${o.bucket} --exclude '.partial-*/**' --exclude '.last-run' --stats-one-line -v || echo "offsite copy failed" >&2`,
    `  rclone delete atrium:${o.bucket} --min-age ${o.keepDays}d -v || echo "offsite retention failed" >&2`,
    `  rclone rmdirs atrium:${o.bucket} --leave-root || true`,
    "  sleep 3600",
    "done",
  ].join("\n")}\n`;
}
