/**
 * What `pnpm backup` and `pnpm restore` share: the docker CLI (so DOCKER_HOST works as for
 * `pnpm provision`) and the atrium-backup container that holds the sets.
 */
"use strict";
const { spawnSync } = require("node:child_process");

const CONTAINER = "atrium-backup";
/** A set's name: the UTC time it was made. */
const SET_NAME = /^\d{8}T\d{6}Z$/;

/** Runs docker with `args` (output shown unless `quiet`); exits when docker cannot run. */
function docker(tool, args, quiet = false) {
  const result = spawnSync("docker", args, { stdio: quiet ? "ignore" : "inherit" });
  if (result.error) {
    process.stderr.write(`atrium ${tool}: could not run docker: ${result.error.message}\n`);
    process.exit(1);
  }
  return result.status ?? 1;
}

/** Lists the sets in the backup volume (oldest first), then runs `more` shell text, if any. */
function listSets(tool, more = "") {
  return docker(tool, [
    "exec",
    CONTAINER,
    "sh",
    "-c",
    `ls -1 "$ATRIUM_BACKUP_DIR" | grep -E "^[0-9]{8}T[0-9]{6}Z$"${more}`,
  ]);
}

/** The script arguments, without pnpm's `--`. */
function scriptArgs() {
  return process.argv.slice(2).filter((a) => a !== "--");
}

module.exports = { CONTAINER, SET_NAME, docker, listSets, scriptArgs };
