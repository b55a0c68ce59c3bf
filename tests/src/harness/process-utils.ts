/** Small process and filesystem helpers shared by the harness (no Atrium logic here). */
import { spawn, type ChildProcess } from "node:child_process";
import { promises as fs } from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";

/** `${XDG_CACHE_HOME:-~/.cache}/atrium`: where slow one-time installs live. */
export function atriumCacheDir(): string {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache");
  return path.join(base, "atrium");
}

/** Result of {@link runCommand}. */
export interface CommandResult {
  code: number | null;
  output: string;
}

/**
 * Runs a command to completion, capturing stdout and stderr together (never rejects on a
 * non-zero exit; a command that cannot be started at all gives code null and the reason).
 */
export function runCommand(
  command: string,
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<CommandResult> {
  return new Promise((resolve) => {
    let output = "";
    const child = spawn(command, args, { cwd: opts.cwd, env: opts.env ?? process.env });
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    child.on("error", (err) => resolve({ code: null, output: output + String(err) }));
    child.on("close", (code) => resolve({ code, output }));
  });
}

const handedOut = new Set<number>();

/**
 * A TCP port on 127.0.0.1 that is free now and stays out of others' way until it is bound: it
 * is below Linux's ephemeral range (32768–60999), so no outgoing connection can take it as its
 * source port in the meantime (what `listen(0)` ports suffered from: "already in use" when
 * Synapse or Chromium opened connections between picking and binding); each jest worker draws
 * from its own slice (JEST_WORKER_ID), and a process never hands out the same port twice.
 */
export async function freePort(): Promise<number> {
  const worker = Number(process.env.JEST_WORKER_ID ?? 0);
  const [low, size] = worker > 0 ? [20000 + ((worker - 1) % 4) * 1500, 1500] : [30000, 2700];
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = low + Math.floor(Math.random() * size);
    if (handedOut.has(port) || (await isPortBusy(port))) continue;
    handedOut.add(port);
    return port;
  }
  throw new Error(`atrium: no free TCP port in ${low}–${low + size - 1} after 200 tries`);
}

/** Whether something is already listening on 127.0.0.1:port. */
export function isPortBusy(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(true));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(false)));
  });
}

/** The last `n` lines of a file, or a note that it could not be read. */
export async function tailFile(file: string, n = 30): Promise<string> {
  try {
    const text = await fs.readFile(file, "utf8");
    return text.trimEnd().split("\n").slice(-n).join("\n");
  } catch (err: unknown) {
    return `(could not read ${file}: ${String(err)})`;
  }
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Whether a process with this pid is alive (EPERM counts as alive). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err: unknown) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

const exitCleanups = new Set<() => void>();
let exitHookInstalled = false;

/**
 * Registers a synchronous cleanup to run when this Node process exits normally (a signal
 * that kills Node skips it; children started by the harness also watch their stdin, see
 * synapse.ts). Returns an unregister function.
 */
export function onProcessExit(cleanup: () => void): () => void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once("exit", runExitCleanups);
  }
  exitCleanups.add(cleanup);
  return () => exitCleanups.delete(cleanup);
}

function runExitCleanups(): void {
  for (const cleanup of exitCleanups) {
    try {
      cleanup();
    } catch {
      // Exiting anyway: one failed cleanup must not stop the others.
    }
  }
  exitCleanups.clear();
}

/**
 * Sends SIGTERM, then SIGKILL after `graceMs` if the child is still running; resolves when it
 * has exited.
 */
export function stopChild(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

/**
 * Polls `probe` (a request to the child's HTTP API) every 250 ms until it answers true.
 * Resolves null when ready, or the reason it gave up: the child exited, or `timeoutMs` passed.
 */
export async function waitUntilAnswering(
  child: ChildProcess,
  what: string,
  probe: (signal: AbortSignal) => Promise<boolean>,
  timeoutMs: number,
): Promise<string | null> {
  const deadline = Date.now() + timeoutMs;
  let exited: string | null =
    child.exitCode !== null || child.signalCode !== null ? "exited before answering" : null;
  child.once("exit", (code, signal) => (exited = `exited with ${signal ?? `code ${code}`}`));
  while (Date.now() < deadline) {
    if (exited) return exited;
    try {
      if (await probe(AbortSignal.timeout(2000))) return null;
    } catch {
      // Not listening yet.
    }
    await sleep(250);
  }
  return exited ?? `no answer from ${what} within ${timeoutMs / 1000} s`;
}
