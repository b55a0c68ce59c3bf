#!/usr/bin/env node
/**
 * `pnpm backup` (in infra/): makes a backup set now in the atrium-backups volume, the same as
 * the daily run. `pnpm backup -- --list` lists the sets. Uses the docker CLI, so DOCKER_HOST
 * works as for `pnpm provision`.
 */
"use strict";
const { CONTAINER, docker: dockerFor, listSets, scriptArgs } = require("./backup-container");

const docker = (args) => dockerFor("backup", args);
const args = scriptArgs();
if (args.includes("--list")) {
  process.exit(listSets("backup", '; cat "$ATRIUM_BACKUP_DIR/.last-run" 2>/dev/null || true'));
}
const status = docker(["exec", CONTAINER, "sh", "/atrium-backup/backup.sh"]);
if (status !== 0) {
  process.stderr.write(
    `atrium backup: the backup failed (exit ${status}); see the lines above and \`docker logs ${CONTAINER}\`.\n`,
  );
}
process.exit(status);
