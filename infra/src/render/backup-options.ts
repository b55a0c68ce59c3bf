/** Inputs of the backup and restore scripts (render/backup.ts), checked before rendering. */
import { checkDatabaseNames, type PostgresDatabase } from "./postgres-init";

/** A directory with state, archived into each backup set as `volumes/<name>.tar.gz`. */
export interface BackupVolume {
  /** File-name-safe name, e.g. `synapse-data`. */
  readonly name: string;
  /** Where the volume is mounted in the backup container. */
  readonly path: string;
  /**
   * SQLite files in WAL mode in the volume (paths relative to it), written while the backup
   * runs: archived by the consistent copy their owner keeps beside each (`<file>.snapshot`,
   * written with VACUUM INTO), never by the live file, whose WAL a checkpoint may be emptying
   * mid-copy. A restore puts the copy in the live file's place.
   */
  readonly sqlite?: readonly string[];
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
const SAFE_RELATIVE = /^[A-Za-z0-9_][A-Za-z0-9._/-]*$/;

export function check(o: BackupOptions): void {
  for (const db of o.databases) {
    checkDatabaseNames(db, "backup");
    // A restore builds <name>_restore beside it; PostgreSQL names stop at 63 bytes.
    if (db.name.length > 63 - 8) throw new Error(`backup: database name "${db.name}" is too long`);
  }
  for (const v of o.volumes) {
    if (!VOLUME_NAME.test(v.name))
      throw new Error(`backup: volume name "${v.name}" is not a-z0-9-`);
    if (!SAFE_PATH.test(v.path)) throw new Error(`backup: volume path "${v.path}" is not absolute`);
    for (const f of v.sqlite ?? []) {
      if (!SAFE_RELATIVE.test(f) || f.split("/").includes(".."))
        throw new Error(`backup: SQLite file "${f}" of volume ${v.name} is not a relative path`);
    }
  }
  if (!Number.isInteger(o.keep) || o.keep < 1) throw new Error("backup: keep must be at least 1");
}

/**
 * Shell lines that set the positional parameters to tar's exclusions for `v`: a live SQLite file
 * (and its -wal, -shm) is left out when its consistent copy is there, kept when it is not (an
 * owner that has not written one yet: the live file is better than none); half-written copies
 * always stay out.
 */
export function sqliteExclusions(v: BackupVolume): string[] {
  return [
    "  set --",
    ...(v.sqlite ?? []).flatMap((f) => [
      `  if [ -f ${v.path}/${f}.snapshot ]; then set -- "$@" --exclude=./${f} --exclude=./${f}-wal --exclude=./${f}-shm; fi`,
      `  set -- "$@" --exclude=./${f}.snapshot.partial`,
    ]),
  ];
}

/** Restore lines that put each SQLite file's consistent copy in the live file's place. */
export function sqliteSnapshotRestore(v: BackupVolume): string[] {
  return (v.sqlite ?? []).map(
    (f) =>
      `  if [ -f ${v.path}/${f}.snapshot ]; then mv -f ${v.path}/${f}.snapshot ${v.path}/${f}; fi`,
  );
}
