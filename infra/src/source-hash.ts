/**
 * A content hash of the appservice's build context, used as its image tag: a code change
 * gives a new tag, so `pulumi up` rebuilds the image and replaces the container (a fixed tag
 * would rebuild the image but leave the running container on the old one).
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import * as path from "node:path";

/** What the appservice image is built from (see services/appservice/Dockerfile). */
export const APPSERVICE_SOURCES = [
  "package.json",
  "pnpm-lock.yaml",
  "pnpm-workspace.yaml",
  "tsconfig.base.json",
  "packages",
  "services/im-ui",
  "services/appservice",
] as const;

const SKIPPED = new Set(["node_modules", "dist", ".git", "coverage"]);

function files(root: string, rel: string, out: string[]): void {
  const full = path.join(root, rel);
  const stat = statSync(full, { throwIfNoEntry: false });
  if (!stat) return;
  if (stat.isFile()) {
    if (!rel.endsWith(".tsbuildinfo")) out.push(rel);
    return;
  }
  if (!stat.isDirectory()) return;
  for (const name of readdirSync(full)) {
    if (!SKIPPED.has(name)) files(root, path.posix.join(rel, name), out);
  }
}

/** sha256 over the paths and contents of `sources` under `root`; the first 12 hex digits. */
export function sourceHash(root: string, sources: readonly string[] = APPSERVICE_SOURCES): string {
  const list: string[] = [];
  for (const source of sources) files(root, source, list);
  const hash = createHash("sha256");
  for (const rel of list.sort()) {
    hash
      .update(rel)
      .update("\0")
      .update(readFileSync(path.join(root, rel)))
      .update("\0");
  }
  return hash.digest("hex").slice(0, 12);
}
