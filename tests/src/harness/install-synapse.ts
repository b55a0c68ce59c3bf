/**
 * Installs Synapse from PyPI into a cached virtualenv, once per machine:
 * `${XDG_CACHE_HOME:-~/.cache}/atrium/synapse-<version>`.
 */
import { promises as fs } from "node:fs";
import * as path from "node:path";
import { atriumCacheDir, runCommand } from "./process-utils";
import { announcedInstall, withInstallLock } from "./install-lock";

/** The Synapse release the harness runs. */
export const SYNAPSE_VERSION = "1.163.2";
/** psycopg2 build for PostgreSQL databases (wheels with libpq included). */
export const PSYCOPG2_VERSION = "2.9.13";

const MARKER = ".atrium-installed.json";

/** Where the virtualenv lives and its interpreter. */
export interface SynapseInstall {
  /** The virtualenv's python; run Synapse with `python -m synapse.app.homeserver`. */
  python: string;
  version: string;
}

/** The virtualenv directory for {@link SYNAPSE_VERSION}. */
export function synapseVenvDir(): string {
  return path.join(atriumCacheDir(), `synapse-${SYNAPSE_VERSION}`);
}

/**
 * Returns the cached Synapse virtualenv, installing it first when missing. The install goes to a
 * temporary sibling directory that is renamed into place after a marker file is written, under a
 * lock directory, so a half-finished install is never used and two processes never install at
 * once. Throws one line saying what to do when python3 or pip fails.
 */
export async function ensureSynapseInstalled(): Promise<SynapseInstall> {
  const dir = synapseVenvDir();
  const ready = await readInstall(dir);
  if (ready) return ready;
  return withInstallLock(dir, "Synapse", async () => {
    const again = await readInstall(dir);
    if (again) return again;
    await announcedInstall(dir, `Synapse ${SYNAPSE_VERSION} from PyPI`, 2, install);
    const done = await readInstall(dir);
    if (!done)
      throw new Error(`atrium: Synapse install in ${dir} left no marker; delete it and retry`);
    return done;
  });
}

async function readInstall(dir: string): Promise<SynapseInstall | null> {
  try {
    const marker = JSON.parse(await fs.readFile(path.join(dir, MARKER), "utf8")) as {
      version?: string;
    };
    if (marker.version !== SYNAPSE_VERSION) return null;
    return { python: path.join(dir, "bin", "python"), version: marker.version };
  } catch {
    return null; // No marker (or an unreadable one): not installed.
  }
}

/** The python3 used to create the virtualenv: `ATRIUM_PYTHON` or `python3` on PATH. */
function basePython(): string {
  return process.env.ATRIUM_PYTHON || "python3";
}

async function install(dir: string): Promise<void> {
  const python = basePython();
  const probe = await runCommand(python, ["-c", "import venv, ensurepip, sys; print(sys.version)"]);
  if (probe.code !== 0) {
    throw new Error(
      `atrium: a local Synapse needs python3 with the venv module ("${python}" ${probe.code === null ? "was not found" : "has no venv/ensurepip"}); install it with: apt-get install -y python3 python3-venv (or set ATRIUM_PYTHON)`,
    );
  }
  const tmp = `${dir}.tmp-${process.pid}`;
  await fs.rm(tmp, { recursive: true, force: true });
  const logFile = `${dir}.install.log`;
  const steps: [string, string[]][] = [
    [python, ["-m", "venv", tmp]],
    [
      path.join(tmp, "bin", "python"),
      [
        "-m",
        "pip",
        "install",
        "--disable-pip-version-check",
        "--no-input",
        `matrix-synapse==${SYNAPSE_VERSION}`,
        `psycopg2-binary==${PSYCOPG2_VERSION}`,
      ],
    ],
    [
      path.join(tmp, "bin", "python"),
      ["-c", "import synapse, psycopg2, signedjson; print(synapse.__version__)"],
    ],
  ];
  let log = "";
  for (const [cmd, args] of steps) {
    const result = await runCommand(cmd, args);
    log += `$ ${cmd} ${args.join(" ")}\n${result.output}\n`;
    await fs.writeFile(logFile, log);
    if (result.code !== 0) {
      await fs.rm(tmp, { recursive: true, force: true });
      throw new Error(
        `atrium: installing Synapse ${SYNAPSE_VERSION} failed at "${path.basename(cmd)} ${args.slice(0, 3).join(" ")}" (log: ${logFile}); check that PyPI is reachable and retry`,
      );
    }
  }
  const marker = { version: SYNAPSE_VERSION, psycopg2: PSYCOPG2_VERSION, at: new Date() };
  await fs.writeFile(path.join(tmp, MARKER), JSON.stringify(marker));
  await fs.rm(dir, { recursive: true, force: true }); // a broken earlier install without marker
  await fs.rename(tmp, dir);
}
