import { spawn } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runProgram, tempDir } from "../test-support/process";
import { renderOffsiteScript } from "./backup";

/**
 * The offsite copy is encrypted before it leaves (issue 22 item 8): the rendered offsite script
 * run by the real rclone (Debian's; the image pins a newer one) against a local directory
 * standing in for the bucket. Nothing readable reaches the bucket — no contents, no file or set
 * names — and the copy comes back only with the passphrase.
 */
const PASSPHRASE = "correct-horse-battery-staple-offsite-0123";
const SECRET = "ed25519 a_atrium SIGNING-KEY-THAT-MUST-NOT-LEAK";

/** Every regular file under `dir`. */
function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .map((f) => join(dir, f))
    .filter((f) => statSync(f).isFile());
}

function fixture(): { root: string; backups: string; bucket: string; env: NodeJS.ProcessEnv } {
  const root = tempDir("offsite");
  const backups = join(root, "backups");
  const set = join(backups, "20260101T030000Z");
  mkdirSync(join(set, "volumes"), { recursive: true });
  writeFileSync(join(set, "synapse.dump"), `PGDMP ${SECRET} ${"x".repeat(4000)}`);
  writeFileSync(join(set, "volumes", "synapse-data.tar.gz"), SECRET);
  writeFileSync(join(set, "SHA256SUMS"), "abc  ./synapse.dump\n");
  const bucket = join(root, "bucket");
  mkdirSync(bucket);
  const env = {
    ...process.env,
    // A local directory in place of S3: the same remote name, another backend type.
    RCLONE_CONFIG_ATRIUM_TYPE: "local",
    RCLONE_CONFIG: join(root, "rclone.conf"),
    ATRIUM_BACKUP_DIR: backups,
    ATRIUM_BACKUP_PASSPHRASE: PASSPHRASE,
  };
  return { root, backups, bucket, env };
}

/** Reads the bucket back through a crypt remote with `passphrase`: the files it can decrypt. */
async function readBack(bucket: string, root: string, passphrase: string): Promise<string[]> {
  const obscured = (
    await runProgram("rclone", ["obscure", "-"], { input: passphrase })
  ).stdout.trim();
  const out = join(root, `restored-${passphrase.length}`);
  await runProgram("rclone", ["copy", "back:", out], {
    env: {
      ...process.env,
      RCLONE_CONFIG: join(root, "rclone.conf"),
      RCLONE_CONFIG_BACK_TYPE: "crypt",
      RCLONE_CONFIG_BACK_REMOTE: bucket,
      RCLONE_CONFIG_BACK_PASSWORD: obscured,
    },
  });
  mkdirSync(out, { recursive: true });
  return files(out).map((f) => readFileSync(f, "latin1"));
}

function expectUnreadable(bucket: string): void {
  const uploaded = files(bucket);
  expect(uploaded.length).toBeGreaterThanOrEqual(3);
  for (const f of uploaded) {
    const bytes = readFileSync(f, "latin1");
    expect([f, bytes.includes("SIGNING-KEY") || bytes.includes("PGDMP")]).toEqual([f, false]);
    // Names are encrypted too: a set's time and the database names do not show.
    expect(f.slice(bucket.length)).not.toMatch(/20260101T030000Z|synapse|SHA256SUMS|volumes/);
  }
}

it("the hourly copy (Docker target) uploads only ciphertext, readable with the passphrase alone", async () => {
  const { root, backups, bucket, env } = fixture();
  const script = join(root, "offsite.sh");
  writeFileSync(script, renderOffsiteScript({ bucket, keepDays: 14 }));
  const child = spawn("sh", [script], { env, stdio: "pipe" });
  let output = "";
  child.stdout.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr.on("data", (c: Buffer) => (output += c.toString()));
  try {
    // The loop copies at once, then sleeps an hour: wait for the first copy.
    for (let i = 0; i < 100 && files(bucket).length < 3; i++)
      await new Promise((r) => setTimeout(r, 200));
  } finally {
    child.kill("SIGKILL");
  }
  expect([files(bucket).length >= 3, output]).toEqual([true, expect.any(String)]);
  expectUnreadable(bucket);
  const back = await readBack(bucket, root, PASSPHRASE);
  expect(back.some((b) => b.includes(SECRET))).toBe(true);
  expect(back).toHaveLength(files(backups).length);
  const wrong = await readBack(bucket, root, "a-different-passphrase-of-the-same-size");
  expect(wrong.some((b) => b.includes("SIGNING-KEY"))).toBe(false);
}, 60000);

it("the copy after each Kubernetes backup runs once, encrypted, and fails loudly without a passphrase", async () => {
  const { root, bucket, env } = fixture();
  const script = join(root, "offsite-once.sh");
  writeFileSync(script, renderOffsiteScript({ bucket, keepDays: 14, once: true }));
  const run = await runProgram("sh", [script], { env });
  expect([run.code, run.stderr]).toEqual([0, expect.any(String)]);
  expectUnreadable(bucket);
  expect((await readBack(bucket, root, PASSPHRASE)).some((b) => b.includes(SECRET))).toBe(true);
  const { ATRIUM_BACKUP_PASSPHRASE: _unset, ...without } = env;
  const refused = await runProgram("sh", [script], { env: without });
  expect(refused.code).not.toBe(0);
  expect(refused.stderr).toContain("encryption passphrase");
}, 60000);
