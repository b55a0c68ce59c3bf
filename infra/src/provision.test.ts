import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { runProgram, tempDir } from "./test-support/process";

const SCRIPT = resolve(__dirname, "..", "scripts", "provision.js");

/** A stand-in `pulumi` that records each call (argv and the env the script set) as a JSON line. */
function fakePulumi(dir: string, upExitCode = 0): string {
  const bin = join(dir, "bin");
  mkdirSync(bin);
  const log = join(dir, "calls.jsonl");
  writeFileSync(
    join(bin, "pulumi"),
    `#!${process.execPath}
const fs = require("node:fs");
const args = process.argv.slice(2);
fs.appendFileSync(${JSON.stringify(log)}, JSON.stringify({ args, backend: process.env.PULUMI_BACKEND_URL, passphraseFile: process.env.PULUMI_CONFIG_PASSPHRASE_FILE, passphrase: process.env.PULUMI_CONFIG_PASSPHRASE }) + "\\n");
process.exit(args[0] === "up" ? ${upExitCode} : 0);
`,
  );
  chmodSync(join(bin, "pulumi"), 0o755);
  return bin;
}

interface Call {
  args: string[];
  backend?: string;
  passphraseFile?: string;
  passphrase?: string;
}

function calls(dir: string): Call[] {
  return readFileSync(join(dir, "calls.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as Call);
}

function provision(args: string[], opts: { bin?: string; state: string; env?: NodeJS.ProcessEnv }) {
  const env: NodeJS.ProcessEnv = { HOME: opts.state, ATRIUM_STATE_DIR: opts.state, ...opts.env };
  env.PATH = [opts.bin, dirname(process.execPath), "/usr/bin", "/bin"].filter(Boolean).join(":");
  return runProgram(process.execPath, [SCRIPT, ...args], { env });
}

describe("pnpm provision (scripts/provision.js)", () => {
  it("fails with one clear line when the Pulumi CLI is missing", async () => {
    const state = tempDir("provision");
    const res = await provision([], { state });
    expect(res.code).toBe(1);
    expect(res.stderr).toBe(
      "atrium provision: the Pulumi CLI is not installed (no `pulumi` on PATH). Install it with `curl -fsSL https://get.pulumi.com | sh` (then open a new shell) or see https://www.pulumi.com/docs/iac/download-install/, and run `pnpm provision` again.\n",
    );
  });

  it("runs a pulumi command on the local file backend with a generated passphrase file", async () => {
    const state = tempDir("provision");
    const bin = fakePulumi(state);
    const res = await provision(["config", "set", "atrium:domain", "chat.example.org"], {
      bin,
      state,
    });
    expect(res.code).toBe(0);
    const passphraseFile = join(state, "pulumi-passphrase");
    expect(calls(state)).toEqual([
      { args: ["version"], passphraseFile: undefined },
      {
        args: ["stack", "select", "--create", "prod"],
        backend: `file://${state}/pulumi`,
        passphraseFile,
      },
      {
        args: ["config", "set", "atrium:domain", "chat.example.org", "--stack", "prod"],
        backend: `file://${state}/pulumi`,
        passphraseFile,
      },
    ]);
    expect(statSync(passphraseFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(passphraseFile, "utf8").length).toBeGreaterThanOrEqual(40);
    expect(res.stderr).toContain("back it up");
  });

  it("uses the operator's passphrase, backend and stack when given", async () => {
    const state = tempDir("provision");
    const bin = fakePulumi(state);
    const env = {
      PULUMI_CONFIG_PASSPHRASE: "operator passphrase",
      PULUMI_BACKEND_URL: "file:///srv/pulumi",
      ATRIUM_STACK: "staging",
    };
    const res = await provision(["stack", "output"], { bin, state, env });
    expect(res.code).toBe(0);
    expect(calls(state).slice(1)).toEqual([
      {
        args: ["stack", "select", "--create", "staging"],
        backend: "file:///srv/pulumi",
        passphrase: "operator passphrase",
      },
      {
        args: ["stack", "output", "--stack", "staging"],
        backend: "file:///srv/pulumi",
        passphrase: "operator passphrase",
      },
    ]);
    expect(existsSync(join(state, "pulumi-passphrase"))).toBe(false);
  });

  it.each([
    ["succeeds", 0, 0, ""],
    ["fails", 255, 1, "atrium provision: pulumi up failed (see above)."],
  ])(
    "compiles the program, then runs pulumi up with the given flags (up %s with %i → provision exits %i)",
    async (_name, upExit, expectedExit, message) => {
      const state = tempDir("provision");
      const bin = fakePulumi(state, upExit);
      // As `pnpm provision -- --yes` passes it: the separator must not reach Pulumi.
      const res = await provision(["--", "--yes"], { bin, state });
      expect(res.code).toBe(expectedExit);
      expect(res.stderr).toContain(message);
      expect(calls(state).map((c) => c.args.join(" "))).toEqual([
        "version",
        "stack select --create prod",
        "up --stack prod --yes",
      ]);
    },
    60000,
  );
});
