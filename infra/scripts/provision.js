#!/usr/bin/env node
/**
 * `pnpm provision [<pulumi up flags>]`: builds the Pulumi program and runs `pulumi up` in infra/
 * against a local file backend, so no Pulumi Cloud account is needed.
 * `pnpm provision <pulumi command> ...` (e.g. `config set atrium:domain chat.example.org`,
 * `stack output`, `destroy`) runs that command with the same backend, passphrase and stack.
 *
 * Environment:
 *   PULUMI_BACKEND_URL              default file://<repo>/.atrium/pulumi
 *   PULUMI_CONFIG_PASSPHRASE(_FILE) encrypts the stack's secrets; when neither is set, the
 *                                   passphrase file <repo>/.atrium/pulumi-passphrase is used
 *                                   (created on first run, mode 0600: back it up)
 *   ATRIUM_STACK                    stack name, default "prod"
 *   ATRIUM_STATE_DIR                where the default backend and passphrase live, default <repo>/.atrium
 */
"use strict";
const { spawnSync } = require("node:child_process");
const crypto = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");

const infraDir = path.resolve(__dirname, "..");
const repoRoot = path.resolve(infraDir, "..");

function fail(message) {
  process.stderr.write(`atrium provision: ${message}\n`);
  process.exit(1);
}

function run(command, args, env) {
  const result = spawnSync(command, args, { cwd: infraDir, env, stdio: "inherit" });
  if (result.error) fail(`could not run ${command}: ${result.error.message}`);
  return result.status ?? 1;
}

function main() {
  const probe = spawnSync("pulumi", ["version"], { encoding: "utf8" });
  if (probe.error) {
    fail(
      "the Pulumi CLI is not installed (no `pulumi` on PATH). Install it with " +
        "`curl -fsSL https://get.pulumi.com | sh` (then open a new shell) or see " +
        "https://www.pulumi.com/docs/iac/download-install/, and run `pnpm provision` again.",
    );
  }
  const stateDir = process.env.ATRIUM_STATE_DIR || path.join(repoRoot, ".atrium");
  const env = { ...process.env };
  if (!env.PULUMI_BACKEND_URL) {
    const backendDir = path.join(stateDir, "pulumi");
    fs.mkdirSync(backendDir, { recursive: true });
    env.PULUMI_BACKEND_URL = `file://${backendDir}`;
  }
  if (!env.PULUMI_CONFIG_PASSPHRASE && !env.PULUMI_CONFIG_PASSPHRASE_FILE) {
    const file = path.join(stateDir, "pulumi-passphrase");
    if (!fs.existsSync(file)) {
      fs.mkdirSync(stateDir, { recursive: true });
      fs.writeFileSync(file, crypto.randomBytes(32).toString("base64url"), { mode: 0o600 });
      process.stderr.write(
        `atrium provision: created the passphrase that encrypts this stack's secrets in ${file}; back it up — without it the secrets cannot be read.\n`,
      );
    }
    env.PULUMI_CONFIG_PASSPHRASE_FILE = file;
  }
  const stack = env.ATRIUM_STACK || "prod";
  process.stderr.write(`atrium provision: stack "${stack}", backend ${env.PULUMI_BACKEND_URL}\n`);

  if (run("pulumi", ["stack", "select", "--create", stack], env) !== 0) {
    fail(`could not select or create the stack "${stack}" in ${env.PULUMI_BACKEND_URL}.`);
  }
  // pnpm passes a `--` separator through; Pulumi would read what follows as positional args.
  const args = process.argv.slice(2).filter((arg, i) => !(i === 0 && arg === "--"));
  if (args.length > 0 && !args[0].startsWith("-")) {
    process.exit(run("pulumi", [...args, "--stack", stack], env));
  }
  const tsc = require.resolve("typescript/bin/tsc", { paths: [infraDir] });
  if (
    run(
      process.execPath,
      [tsc, "-p", "tsconfig.build.json", "--incremental", "--tsBuildInfoFile", "dist/.tsbuildinfo"],
      env,
    ) !== 0
  ) {
    fail("the Pulumi program did not compile; fix the errors above.");
  }
  const up = run("pulumi", ["up", "--stack", stack, ...args], env);
  if (up !== 0) {
    fail(
      "pulumi up failed (see above). A stack config error lists each key and the command that fixes it, e.g. pulumi config set atrium:domain chat.example.org.",
    );
  }
}

main();
