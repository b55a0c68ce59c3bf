/**
 * Runs the Atrium appservice as its own process, exactly as deployed:
 * `node services/appservice/dist/main.js -c config.yaml -f registration.yaml`.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { openSync, closeSync } from "node:fs";
import * as path from "node:path";
import { onProcessExit, stopChild, tailFile, waitUntilAnswering } from "./process-utils";

export const APPSERVICE_MAIN = path.resolve(__dirname, "../../../services/appservice/dist/main.js");

export interface AppserviceProcess {
  pid: number;
  logFile: string;
  /** SIGTERM (graceful: the appservice flushes its store), SIGKILL after 10 s. */
  stop(): Promise<void>;
  /** SIGKILL at once: a crash. */
  kill(): Promise<void>;
}

export async function startAppserviceProcess(opts: {
  configPath: string;
  registrationPath: string;
  appserviceUrl: string;
  logFile: string;
  timeoutMs?: number;
}): Promise<AppserviceProcess> {
  const fd = openSync(opts.logFile, "a");
  const child: ChildProcess = spawn(
    process.execPath,
    [
      // The V8 flag the image's entrypoint uses too (see services/appservice/Dockerfile).
      "--max-semi-space-size=2",
      // `ATRIUM_CPU_PROF=<dir>`: a V8 CPU profile of the appservice, written when it stops.
      ...(process.env.ATRIUM_CPU_PROF
        ? ["--cpu-prof", `--cpu-prof-dir=${process.env.ATRIUM_CPU_PROF}`]
        : []),
      APPSERVICE_MAIN,
      "-c",
      opts.configPath,
      "-f",
      opts.registrationPath,
    ],
    { stdio: ["ignore", fd, fd], env: { ...process.env } },
  );
  closeSync(fd);
  const unhook = onProcessExit(() => child.kill("SIGKILL"));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const problem = await waitUntilAnswering(
    child,
    `${opts.appserviceUrl}/ready`,
    async (signal) => (await fetch(`${opts.appserviceUrl}/ready`, { signal })).ok,
    opts.timeoutMs ?? 30_000,
  );
  if (problem) {
    child.kill("SIGKILL");
    unhook();
    throw new Error(
      `The appservice did not get ready: ${problem} (see ${opts.logFile}):\n${await tailFile(opts.logFile, 30)}`,
    );
  }
  return {
    pid: child.pid ?? -1,
    logFile: opts.logFile,
    stop: async () => {
      await stopChild(child, 10_000);
      unhook();
    },
    kill: async () => {
      child.kill("SIGKILL");
      await exited;
      unhook();
    },
  };
}
