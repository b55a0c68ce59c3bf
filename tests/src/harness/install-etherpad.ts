/**
 * Installs Etherpad (`ep_etherpad-lite` from npm) once per machine into
 * `${XDG_CACHE_HOME:-~/.cache}/atrium/etherpad-<version>`, laid out the way Etherpad 1.8 must run:
 * the package itself in a folder named `src` (Etherpad finds its root as "the parent of src"),
 * with `node_modules/ep_etherpad-lite` a symlink back to it so `npm ls` still sees it.
 */
import { promises as fs } from "node:fs";
import * as path from "node:path";
import { atriumCacheDir, runCommand } from "./process-utils";
import { announcedInstall, withInstallLock } from "./install-lock";

/** The Etherpad release the harness runs. */
export const ETHERPAD_VERSION = "1.8.14";

const MARKER = ".atrium-installed.json";
/** Bumped when the folder layout changes, so older caches are laid out again in place. */
const LAYOUT = 2;

/**
 * Etherpad 1.8's pad page loads these browser libraries from `<root>/src/node_modules`
 * (where its own repository checkout has them), not from the npm install's top-level
 * `node_modules`: without them every pad page fails in a browser ("The module at "security"
 * does not exist"), while the API and socket.io still work. Moved, they stay visible to the
 * server (node resolves src/node_modules first); `async` and `underscore` are also needed by
 * other top-level packages, so they are linked instead. Linking the whole folder would break
 * Etherpad's start-up `npm ls` check.
 */
const CLIENT_MODULES_MOVED = ["js-cookie", "security", "tinycon", "unorm"];
const CLIENT_MODULES_LINKED = ["async", "underscore"];

/** The install folder for {@link ETHERPAD_VERSION}; Etherpad runs with this as its cwd. */
export function etherpadInstallDir(): string {
  return path.join(atriumCacheDir(), `etherpad-${ETHERPAD_VERSION}`);
}

/**
 * Returns the path of the installed Etherpad's `src` folder (run `node src/node/server.js` from
 * its parent), installing it first when missing. The install runs in a temporary sibling folder
 * that is renamed into place after a marker file is written, under a lock directory: a killed
 * install never looks complete and two processes never install at once. Throws one line naming
 * the log file when npm fails.
 */
export async function ensureEtherpadInstalled(): Promise<string> {
  const dir = etherpadInstallDir();
  if ((await installedLayout(dir)) === LAYOUT) return path.join(dir, "src");
  return withInstallLock(dir, "Etherpad", async () => {
    const layout = await installedLayout(dir);
    if (layout === null)
      await announcedInstall(dir, `Etherpad ${ETHERPAD_VERSION} from npm`, 1, install);
    else if (layout !== LAYOUT) await layOut(dir);
    return path.join(dir, "src");
  });
}

/** The layout of a complete install of {@link ETHERPAD_VERSION} (1 before it was numbered), or null. */
async function installedLayout(dir: string): Promise<number | null> {
  try {
    const marker = JSON.parse(await fs.readFile(path.join(dir, MARKER), "utf8")) as {
      version?: string;
      layout?: number;
    };
    await fs.access(path.join(dir, "src", "node", "server.js"));
    return marker.version === ETHERPAD_VERSION ? (marker.layout ?? 1) : null;
  } catch {
    return null; // No marker or no server.js: not (completely) installed.
  }
}

/** Puts the browser libraries where the pad page loads them from (idempotent). */
async function placeClientModules(root: string): Promise<void> {
  const target = path.join(root, "src", "node_modules");
  await fs.mkdir(target, { recursive: true });
  const exists = (p: string) =>
    fs.lstat(p).then(
      () => true,
      () => false,
    );
  for (const name of CLIENT_MODULES_MOVED) {
    const from = path.join(root, "node_modules", name);
    if (!(await exists(path.join(target, name))) && (await exists(from))) {
      await fs.rename(from, path.join(target, name));
    }
  }
  for (const name of CLIENT_MODULES_LINKED) {
    if (!(await exists(path.join(target, name)))) {
      await fs.symlink(path.join("..", "..", "node_modules", name), path.join(target, name));
    }
  }
}

/** Brings an install of an older layout up to date in place. */
async function layOut(dir: string): Promise<void> {
  await placeClientModules(dir);
  await fs.writeFile(
    path.join(dir, MARKER),
    JSON.stringify({ version: ETHERPAD_VERSION, layout: LAYOUT, at: new Date() }),
  );
}

/** The environment for npm, without the `npm_config_*` settings a pnpm script run injects. */
function npmEnv(): NodeJS.ProcessEnv {
  const keep = /registry|proxy|cafile|strict_ssl|^npm_config_cache$/i;
  return Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^npm_config_/i.test(k) || keep.test(k)),
  );
}

async function install(dir: string): Promise<void> {
  const tmp = `${dir}.tmp-${process.pid}`;
  const logFile = `${dir}.install.log`;
  await fs.rm(tmp, { recursive: true, force: true });
  await fs.mkdir(tmp);
  await fs.writeFile(
    path.join(tmp, "package.json"),
    JSON.stringify({ name: "atrium-etherpad", private: true }, null, 2),
  );
  const args = ["install", "--no-audit", "--no-fund", `ep_etherpad-lite@${ETHERPAD_VERSION}`];
  const result = await runCommand("npm", args, { cwd: tmp, env: npmEnv() });
  await fs.writeFile(logFile, `$ npm ${args.join(" ")}  (in ${tmp})\n${result.output}\n`);
  const pkg = path.join(tmp, "node_modules", "ep_etherpad-lite");
  if (
    result.code !== 0 ||
    !(await fs.stat(path.join(pkg, "node", "server.js")).catch(() => null))
  ) {
    await fs.rm(tmp, { recursive: true, force: true });
    throw new Error(
      `atrium: installing Etherpad ${ETHERPAD_VERSION} with npm failed (exit ${String(result.code)}; log: ${logFile}); check that the npm registry is reachable and retry`,
    );
  }
  await fs.rename(pkg, path.join(tmp, "src"));
  await fs.symlink(path.join("..", "src"), pkg);
  await placeClientModules(tmp);
  const marker = { version: ETHERPAD_VERSION, layout: LAYOUT, at: new Date() };
  await fs.writeFile(path.join(tmp, MARKER), JSON.stringify(marker));
  await fs.rm(dir, { recursive: true, force: true }); // an incomplete earlier folder, if any
  await fs.rename(tmp, dir);
}
