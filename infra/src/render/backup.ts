/**
 * The backup and restore scripts the backup container runs (a Postgres image: pg_dump,
 * pg_restore, psql, tar and sha256sum). Pure renderers, so tests run the very same scripts
 * against a local PostgreSQL and local directories.
 */
import {
  check,
  sqliteExclusions,
  sqliteSnapshotRestore,
  type BackupOptions,
} from "./backup-options";
import { createDatabaseOptions } from "./postgres-init";

export type { BackupOptions, BackupVolume } from "./backup-options";

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
      ...sqliteExclusions(v),
      `  tar -czf "$work/volumes/${v.name}.tar.gz" "$@" -C ${v.path} .`,
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

/** Suffixes of the databases a restore builds beside the live ones, then swaps in. */
const RESTORING = "_restore";
const REPLACED = "_old";

/** One SQL statement for psql, stopping at the first error. */
function psqlLines(...sql: string[]): string[] {
  return [
    "psql -v ON_ERROR_STOP=1 --quiet --no-psqlrc --dbname postgres <<'SQL'",
    "SET client_min_messages = warning;",
    ...sql,
    "SQL",
  ];
}

/**
 * Renders restore.sh `[--check] <set>`. First it checks the whole set and stops, changing
 * nothing, at the first problem (exit 3, naming it): SHA256SUMS matches, every database's dump
 * is there and reads through to its end, every volume archive present lists completely. With
 * `--check` that is all. Otherwise each dump is restored into a new database beside the live
 * one (owned by its service role, restored as that role); only when all of them restored are
 * the live databases renamed aside and the new ones put in their place, then each volume's
 * contents are replaced by its archive and the old databases dropped. A failure before the
 * swap drops the new databases and leaves the live stack as it was (exit 3); a failure after
 * it exits 4. The services that use
 * them must be stopped first (the operator command does that).
 */
export function renderRestoreScript(o: BackupOptions): string {
  check(o);
  const dbs = o.databases;
  const lines = [
    ...PROLOGUE,
    "mode=restore",
    'if [ "${1:-}" = "--check" ]; then mode=check; shift; fi',
    'set_name="${1:?usage: restore.sh [--check] <backup set, e.g. 20260101T030000Z>}"',
    'case "$set_name" in *[!0-9TZ]*) echo "not a backup set name: $set_name" >&2; exit 2;; esac',
    'set_dir="$dir/$set_name"',
    '[ -f "$set_dir/SHA256SUMS" ] || { echo "no complete backup set $set_name in $dir" >&2; exit 2; }',
    'refuse() { echo "restore: $*; nothing was changed" >&2; exit 3; }',
    'echo "checking backup set $set_name"',
    '(cd "$set_dir" && sha256sum -c --quiet SHA256SUMS) || refuse "the files of set $set_name do not match its SHA256SUMS"',
  ];
  for (const db of dbs) {
    const dump = `"$set_dir/${db.name}.dump"`;
    lines.push(
      `[ -f ${dump} ] || refuse "set $set_name has no dump of database ${db.name}"`,
      `pg_restore --file=/dev/null ${dump} 2>/dev/null || refuse "the dump of database ${db.name} in set $set_name cannot be read"`,
    );
  }
  for (const v of o.volumes) {
    const archive = `"$set_dir/volumes/${v.name}.tar.gz"`;
    lines.push(
      `if [ -f ${archive} ]; then`,
      `  tar -tzf ${archive} >/dev/null 2>&1 || refuse "the archive of volume ${v.name} in set $set_name cannot be read"`,
      "fi",
    );
  }
  lines.push(
    'if [ "$mode" = check ]; then echo "backup set $set_name is complete and readable"; exit 0; fi',
    "# Until the swap, a failure leaves only new databases behind: drop them.",
    // The here-document's end marker must start its line: the body is not indented.
    "discard() {",
    ...psqlLines(
      ...dbs.map((db) => `DROP DATABASE IF EXISTS ${db.name}${RESTORING} WITH (FORCE);`),
    ),
    "}",
    `trap 'status=$?; [ "$status" -eq 0 ] || { discard; echo "restore: failed before the live databases were touched; nothing was changed" >&2; exit 3; }' EXIT`,
  );
  for (const db of dbs) {
    const fresh = `${db.name}${RESTORING}`;
    lines.push(
      `echo "restoring database ${db.name}"`,
      ...psqlLines(
        `DROP DATABASE IF EXISTS ${fresh} WITH (FORCE);`,
        `CREATE DATABASE ${fresh} ${createDatabaseOptions(db)};`,
      ),
      `pg_restore --exit-on-error --no-owner --role=${db.owner} --dbname=${fresh} "$set_dir/${db.name}.dump"`,
    );
  }
  lines.push(
    // From here the live databases change: a failure exits 4 (psql's own error status is 3).
    `trap 'status=$?; [ "$status" -eq 0 ] || { echo "restore: failed while putting set $set_name in place; the databases not yet switched are kept as <name>${REPLACED}" >&2; exit 4; }' EXIT`,
    'echo "switching to the restored databases"',
  );
  for (const db of dbs) {
    lines.push(
      ...psqlLines(
        `DROP DATABASE IF EXISTS ${db.name}${REPLACED} WITH (FORCE);`,
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${db.name}' AND pid <> pg_backend_pid();`,
        `SELECT format('ALTER DATABASE %I RENAME TO %I', datname, '${db.name}${REPLACED}') FROM pg_database WHERE datname = '${db.name}' \\gexec`,
        `ALTER DATABASE ${db.name}${RESTORING} RENAME TO ${db.name};`,
      ),
    );
  }
  for (const v of o.volumes) {
    lines.push(
      `if [ -f "$set_dir/volumes/${v.name}.tar.gz" ]; then`,
      `  echo "restoring volume ${v.name}"`,
      `  mkdir -p ${v.path}`,
      `  find ${v.path} -mindepth 1 -delete`,
      `  tar -xzf "$set_dir/volumes/${v.name}.tar.gz" -C ${v.path}`,
      ...sqliteSnapshotRestore(v),
      "fi",
    );
  }
  lines.push(
    ...psqlLines(...dbs.map((db) => `DROP DATABASE IF EXISTS ${db.name}${REPLACED} WITH (FORCE);`)),
    "trap - EXIT",
    'echo "restored backup set $set_name"',
  );
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
 * The shell lines that make the `atriumcrypt` remote: rclone's crypt backend over the `atrium`
 * remote (S3, configured by RCLONE_CONFIG_ATRIUM_* variables), keyed by ATRIUM_BACKUP_PASSPHRASE.
 * rclone wants the password obscured; that happens here, through stdin, so the passphrase is
 * never on a command line.
 */
function cryptRemote(bucket: string): string[] {
  return [
    ': "${ATRIUM_BACKUP_PASSPHRASE:?the offsite copy needs its encryption passphrase}"',
    "export RCLONE_CONFIG_ATRIUMCRYPT_TYPE=crypt",
    `export RCLONE_CONFIG_ATRIUMCRYPT_REMOTE=atrium:${bucket}`,
    "export RCLONE_CONFIG_ATRIUMCRYPT_FILENAME_ENCRYPTION=standard",
    "export RCLONE_CONFIG_ATRIUMCRYPT_DIRECTORY_NAME_ENCRYPTION=true",
    'RCLONE_CONFIG_ATRIUMCRYPT_PASSWORD="$(printf \'%s\' "$ATRIUM_BACKUP_PASSPHRASE" | rclone obscure -)"',
    "export RCLONE_CONFIG_ATRIUMCRYPT_PASSWORD",
    "unset ATRIUM_BACKUP_PASSPHRASE",
    // rclone warns about a missing config file; every setting is in the environment.
    'export RCLONE_CONFIG="${RCLONE_CONFIG:-/tmp/rclone.conf}"',
  ];
}

/**
 * Renders the offsite copy of the backup sets: complete sets are copied, encrypted (contents
 * and names, rclone crypt: XSalsa20-Poly1305 per file, keys from the passphrase by scrypt), to
 * the bucket, and remote files older than `keepDays` are deleted. `copy`, never `sync`: an
 * empty local volume must not wipe the offsite copy. The Docker target's container loops every
 * hour; `once` (the Kubernetes CronJob, after the backup) copies once and exits with the
 * copy's status.
 */
export function renderOffsiteScript(o: {
  bucket: string;
  keepDays: number;
  once?: boolean;
}): string {
  if (!/^[A-Za-z0-9._/-]+$/.test(o.bucket)) throw new Error("backup: bad bucket");
  if (!Number.isInteger(o.keepDays) || o.keepDays < 1) throw new Error("backup: bad keepDays");
  const copy = `rclone copy "$dir" atriumcrypt: --exclude '.partial-*/**' --exclude '.last-run' --stats-one-line -v`;
  const retain = [
    `rclone delete atriumcrypt: --min-age ${o.keepDays}d -v || echo "offsite retention failed" >&2`,
    "rclone rmdirs atriumcrypt: --leave-root || true",
  ];
  const head = [
    "#!/bin/sh",
    "set -u",
    'dir="${ATRIUM_BACKUP_DIR:-/backups}"',
    ...cryptRemote(o.bucket),
  ];
  if (o.once === true) {
    return `${[...head, `${copy} || { echo "offsite copy failed" >&2; exit 1; }`, ...retain].join("\n")}\n`;
  }
  return `${[
    ...head,
    "while true; do",
    `  ${copy} || echo "offsite copy failed" >&2`,
    ...retain.map((l) => `  ${l}`),
    "  sleep 3600",
    "done",
  ].join("\n")}\n`;
}
