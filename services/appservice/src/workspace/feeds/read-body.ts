/**
 * Reads a response body through its decompressor, counting the decompressed bytes, so a gzip
 * bomb stops at `maxBytes`. Moved from fetch.ts (issue 24).
 */
import type * as http from "node:http";
import type { Readable } from "node:stream";
import * as zlib from "node:zlib";
import { FeedFetchError, networkError, tooLarge } from "./fetch-errors";

/** Reads the body through its decompressor, counting decompressed bytes. */
export function readBody(res: http.IncomingMessage, maxBytes: number): Promise<Buffer> {
  const encoding = String(res.headers["content-encoding"] ?? "identity")
    .trim()
    .toLowerCase();
  let stream: Readable = res;
  const options = { maxOutputLength: maxBytes + 1 };
  if (encoding === "gzip" || encoding === "x-gzip") stream = res.pipe(zlib.createGunzip(options));
  else if (encoding === "deflate") stream = res.pipe(zlib.createInflate(options));
  else if (encoding === "br") stream = res.pipe(zlib.createBrotliDecompress(options));
  else if (encoding !== "identity" && encoding !== "") {
    res.destroy();
    return Promise.reject(
      new FeedFetchError("encoding", `unsupported Content-Encoding ${encoding}`),
    );
  }
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      res.destroy();
      if (stream !== res) stream.destroy();
      reject(error);
    };
    stream.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) fail(tooLarge(maxBytes));
      else chunks.push(chunk);
    });
    stream.on("end", () => {
      if (settled) return;
      settled = true;
      resolve(Buffer.concat(chunks));
    });
    stream.on("error", (error: Error & { code?: string }) =>
      fail(
        error.code === "ERR_BUFFER_TOO_LARGE" || /maxOutputLength/i.test(error.message)
          ? tooLarge(maxBytes)
          : res.errored && (res.errored as Error).name === "AbortError"
            ? new FeedFetchError("timeout", "the feed did not arrive in time")
            : networkError(error),
      ),
    );
    res.on("error", (error: Error) =>
      fail(
        error.name === "AbortError"
          ? new FeedFetchError("timeout", "the feed did not arrive in time")
          : networkError(error),
      ),
    );
    res.on("aborted", () => fail(new FeedFetchError("network", "the connection was cut")));
  });
}
