#!/usr/bin/env node
/**
 * `pnpm backup` (in infra/): makes a backup set now in the atrium-backups volume, the same as
 * the daily run. `pnpm backup -- --list` lists the sets. Uses the docker CLI, so DOCKER_HOST
 * works as for `pnpm provision`.
 */
"use strict";
const { spawnSync } = require("node:child_process");

const CONTAINER = "atrium-backup";

function docker(args) {
  const result = spawnSync("docker", args, { stdio: "inherit" });
  if (result.error) {
    process.stderr.write(`atrium backup: could not run docker: ${result.error.message}\n`);
    process.exit(1);
  }
  return result.status ?? 1;
}

const args = process.argv.slice(2).filter((a) => a !== "--");
if (args.includes("--list")) {
  process.exit(
    docker([
      "exec",
      CONTAINER,
      "sh",
      "-c",
      'ls -1 "$ATRIUM_BACKUP_DIR" | grep -E "^[0-9]{8}T[0-9]{6}Z$"; cat "$ATRIUM_BACKUP_DIR/.last-run" 2>/dev/null || true',
    ]),
  );
}
const status = docker(["exec", CONTAINER, "sh", "/atrium-backup/backup.sh"]);
if (status !== 0) {
  process.stderr.write(
    `atrium backup: the backup failed (exit ${status}); see the lines above and \`docker logs ${CONTAINER}\`.\n`,
  );
}
process.exit(status);
