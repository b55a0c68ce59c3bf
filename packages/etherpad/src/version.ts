/** `GET /api` (no key needed) and API version comparison. */
import * as http from "node:http";
import * as https from "node:https";
import { EtherpadUnavailableError } from "./errors";

/** Compares dotted versions numerically: negative when a < b, 0 when equal, positive when a > b. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(".").map(Number);
  const pb = b.split(".").map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** True for `1`, `1.2`, `1.2.15`: what Etherpad's API versions look like. */
export function isVersion(v: string): boolean {
  return /^\d+(\.\d+){0,3}$/.test(v);
}

/**
 * Fetches `<baseUrl>/api` and returns its `currentVersion`. Any failure, including an answer
 * without a version, is an {@link EtherpadUnavailableError}.
 */
export function fetchCurrentVersion(baseUrl: string, timeoutMs: number): Promise<string> {
  const target = new URL(`${baseUrl}/api`);
  const get = target.protocol === "https:" ? https.get : http.get;
  const fail = (detail: string) => new EtherpadUnavailableError(baseUrl, "GET /api", detail);
  return new Promise((resolve, reject) => {
    const req = get(target, { signal: AbortSignal.timeout(timeoutMs) }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("error", (e) => reject(fail(e.message)));
      res.on("end", () => {
        let body: unknown;
        try {
          body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
        } catch {
          reject(fail(`HTTP ${res.statusCode ?? "?"} answer was not JSON`));
          return;
        }
        const version = (body as { currentVersion?: unknown } | null)?.currentVersion;
        if (typeof version === "string" && isVersion(version)) resolve(version);
        else reject(fail(`HTTP ${res.statusCode ?? "?"} answer had no currentVersion`));
      });
    });
    req.on("error", (e: Error) =>
      reject(
        fail(
          e.name === "TimeoutError" || e.name === "AbortError"
            ? `no answer within ${timeoutMs} ms`
            : e.message,
        ),
      ),
    );
  });
}
