import { spawnSync } from "node:child_process";
import {
  renderBackupScheduler,
  renderBackupScript,
  renderOffsiteScript,
  renderRestoreScript,
} from "./backup";

const options = {
  databases: [{ name: "synapse", owner: "synapse", passwordEnv: "PW", cCollation: true }],
  volumes: [{ name: "synapse-data", path: "/sources/synapse-data" }],
  keep: 3,
};

describe("backup scripts", () => {
  it.each([
    ["backup.sh", renderBackupScript(options)],
    ["restore.sh", renderRestoreScript(options)],
    ["schedule.sh", renderBackupScheduler({ hour: 3, backupScript: "/b.sh" })],
    ["offsite.sh", renderOffsiteScript({ bucket: "bucket/prefix", keepDays: 14 })],
  ])("%s is valid sh", (_name, script) => {
    expect(spawnSync("sh", ["-n"], { input: script }).status).toBe(0);
  });

  it.each([
    ["a volume name", { ...options, volumes: [{ name: "a b", path: "/x" }] }, /volume name/],
    ["a volume path", { ...options, volumes: [{ name: "a", path: "x;rm" }] }, /volume path/],
    ["a keep of 0", { ...options, keep: 0 }, /keep/],
  ])("refuses %s", (_what, bad, message) => {
    expect(() => renderBackupScript(bad)).toThrow(message);
  });

  it("restores only a set name, never a path", () => {
    const run = spawnSync("sh", ["-c", `${renderRestoreScript(options)}`, "restore", "../etc"], {
      env: { ...process.env, ATRIUM_BACKUP_DIR: "/nonexistent" },
    });
    expect(run.status).toBe(2);
    expect(run.stderr.toString()).toContain("not a backup set name");
  });
});
