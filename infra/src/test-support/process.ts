/** Helpers for tests that run real programs (caddy, turnserver, synapse, psql). */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

const made = new Set<string>();

/** A fresh temporary directory, removed after its test file (see cleanup.ts). */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `atrium-infra-${prefix}-`));
  made.add(dir);
  return dir;
}

/** Removes every directory {@link tempDir} made so far. */
export function removeTempDirs(): void {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
  made.clear();
}

const handedOut = new Set<number>();

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

/**
 * A free TCP port below Linux's ephemeral range (so no outgoing connection takes it before the
 * program binds it), from this jest worker's slice (26000–29999, split by JEST_WORKER_ID; the
 * tests package's harness uses 20000–25999 and 30000–32699), never the same one twice.
 */
export async function freePort(): Promise<number> {
  const worker = Math.max(1, Number(process.env.JEST_WORKER_ID ?? 1));
  const low = 26000 + ((worker - 1) % 4) * 1000;
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = low + Math.floor(Math.random() * 1000);
    if (handedOut.has(port) || !(await bindable(port))) continue;
    handedOut.add(port);
    return port;
  }
  throw new Error(`no free TCP port in ${low}–${low + 999} after 200 tries`);
}

/** A running program with its combined output so far. */
export interface Running {
  readonly child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts a program and resolves once its output matches `ready`; rejects with the output if it
 * exits first or `timeoutMs` passes.
 */
export function startProgram(
  command: string,
  args: readonly string[],
  ready: RegExp,
  opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number; cwd?: string } = {},
): Promise<Running> {
  const child = spawn(command, [...args], {
    env: opts.env ?? process.env,
    stdio: "pipe",
    cwd: opts.cwd,
  });
  let out = "";
  const running: Running = {
    child,
    output: () => out,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
        setTimeout(() => child.kill("SIGKILL"), 3000).unref();
      }),
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void running.stop();
      reject(new Error(`${command} not ready after ${opts.timeoutMs ?? 15000} ms:\n${out}`));
    }, opts.timeoutMs ?? 15000);
    const onData = (chunk: Buffer): void => {
      out += chunk.toString();
      if (ready.test(out)) {
        clearTimeout(timer);
        resolve(running);
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${command} exited with ${String(code)} before it was ready:\n${out}`));
    });
  });
}

/** Runs a program to completion and returns its exit code and output. */
export function runProgram(
  command: string,
  args: readonly string[],
  opts: { env?: NodeJS.ProcessEnv; input?: string } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args], { env: opts.env ?? process.env, stdio: "pipe" });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, stdout, stderr }));
    // A program that exits without reading its input closes the pipe first: its exit code
    // tells the outcome, so only that EPIPE is ignored.
    child.stdin.on("error", (err: NodeJS.ErrnoException) => {
      if (err.code !== "EPIPE") reject(err);
    });
    child.stdin.end(opts.input ?? "");
  });
}
