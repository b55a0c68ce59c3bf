#!/usr/bin/env node
/**
 * `pnpm restore -- <set> --yes` (in infra/): restores a backup set made by `pnpm backup` or the
 * daily run. It stops the services that hold the data (appservice, Synapse, Etherpad, prosody, Caddy),
 * replaces the Synapse, Etherpad and Atrium databases and the state volumes with the set's
 * copies, and starts the services again. Without arguments it lists the sets.
 */
"use strict";
const {
  CONTAINER,
  SET_NAME,
  docker: dockerFor,
  listSets,
  scriptArgs,
} = require("./backup-container");

/** Stopped in this order, started in reverse: nothing writes while the data is replaced. */
const SERVICES = [
  "atrium-appservice",
  "atrium-synapse",
  "atrium-etherpad",
  "atrium-jitsi-prosody",
  "atrium-caddy",
];

const docker = (args, quiet = false) => dockerFor("restore", args, quiet);
const args = scriptArgs();
const set = args.find((a) => !a.startsWith("-"));
if (set === undefined) {
  process.stderr.write(
    "atrium restore: backup sets (newest last); restore one with pnpm restore -- <set> --yes\n",
  );
  process.exit(listSets("restore"));
}
if (!SET_NAME.test(set)) {
  process.stderr.write(
    `atrium restore: "${set}" is not a backup set name (e.g. 20260101T030000Z)\n`,
  );
  process.exit(2);
}
if (!args.includes("--yes")) {
  process.stderr.write(
    `atrium restore: this replaces every database and the Synapse media, signing key, prosody and Caddy data with backup set ${set}; run again with --yes to go ahead.\n`,
  );
  process.exit(2);
}
// The whole set is checked (every dump there and readable, every archive complete) before
// anything stops: a set that cannot restore changes nothing.
const check = docker(["exec", CONTAINER, "sh", "/atrium-backup/restore.sh", "--check", set]);
if (check !== 0) {
  process.stderr.write(
    `atrium restore: backup set ${set} cannot be restored (see above); nothing was stopped or changed.\n`,
  );
  process.exit(check);
}
const existing = SERVICES.filter(
  (name) => docker(["container", "inspect", "--format", "{{.State.Running}}", name], true) === 0,
);
for (const name of SERVICES) docker(["stop", name], true);
const status = docker(["exec", CONTAINER, "sh", "/atrium-backup/restore.sh", set]);
if (status === 3) {
  // restore.sh exits 3 only when it stopped before touching the live databases and volumes.
  for (const name of [...existing].reverse()) docker(["start", name]);
  process.stderr.write(
    `atrium restore: the restore of ${set} failed before anything was replaced; the services run again on the data they had.\n`,
  );
  process.exit(status);
}
if (status !== 0) {
  process.stderr.write(
    `atrium restore: the restore failed (exit ${status}); the services stay stopped so nothing writes to half-restored data. Fix the cause and run it again, or start them with docker start ${SERVICES.join(" ")}.\n`,
  );
  process.exit(status);
}
for (const name of [...existing].reverse()) docker(["start", name]);
process.stderr.write(`atrium restore: backup set ${set} restored; services started again.\n`);
