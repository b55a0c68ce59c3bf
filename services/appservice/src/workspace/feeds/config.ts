/**
 * The `feeds` section of the appservice config (RSS, Atom and JSON Feed subscriptions).
 * Every key has a default, so a deployment without the section gets polite, safe feeds.
 */
import { z } from "zod";
import ipaddr from "ipaddr.js";

/** `ip:port` or `[ipv6]:port`: one internal feed server the fetcher may reach. */
const allowEntry = z.string().refine((entry) => parseAllowEntry(entry) !== null, {
  message:
    "must be an IP address and port, e.g. 10.0.0.5:8080 or [fd00::5]:443 (host names are not accepted: the check is made on the address dialled)",
});

/** Splits an allow-list entry into its normalised address and port; null when malformed. */
export function parseAllowEntry(entry: string): { address: string; port: number } | null {
  const match = /^\[([^\]]+)\]:(\d{1,5})$/.exec(entry) ?? /^([^:[\]]+):(\d{1,5})$/.exec(entry);
  if (!match) return null;
  const [, host = "", portText = ""] = match;
  const port = Number(portText);
  if (!ipaddr.isValid(host) || port < 1 || port > 65535) return null;
  return { address: ipaddr.process(host).toString(), port };
}

export const feedsConfigSchema = z
  .object({
    /** Whether `!feed` and the poller run at all. Default true. */
    enabled: z.boolean().default(true),
    /** Poll interval of a feed that says nothing about it, seconds. Default 900 (15 min). */
    intervalSeconds: z.number().int().min(1).default(900),
    /**
     * Shortest interval, seconds, whatever a feed's `ttl` or `Cache-Control` say. Default 300:
     * polling faster than every 5 minutes is impolite to most publishers.
     */
    minIntervalSeconds: z.number().int().min(1).default(300),
    /** Longest interval, seconds (a feed asking for a day is still read this often). Default 21600 (6 h). */
    maxIntervalSeconds: z.number().int().min(1).default(21600),
    /** First delay after a failed fetch, seconds; doubles per failure, with full jitter. Default 60. */
    backoffBaseSeconds: z.number().int().min(1).default(60),
    /** Longest delay after failures (and longest Retry-After honoured), seconds. Default 86400. */
    backoffMaxSeconds: z.number().int().min(1).default(86400),
    /** Fetches in flight at once, over all feeds. Default 8. */
    concurrency: z.number().int().min(1).max(64).default(8),
    /** Fetches in flight at once to one host. Default 2. */
    perHostConcurrency: z.number().int().min(1).max(16).default(2),
    /** Deadline of one fetch, redirects included (a slow drip is cut here), ms. Default 30000. */
    timeoutMs: z.number().int().min(100).max(300_000).default(30_000),
    /** Largest feed body after decompression, bytes (gzip bombs stop here). Default 5 MiB. */
    maxBytes: z
      .number()
      .int()
      .min(1024)
      .max(100 * 1024 * 1024)
      .default(5 * 1024 * 1024),
    /**
     * Largest body a preview reads, bytes after decompression. Default 1 MiB: anyone in a room
     * may ask for a preview, so it reads less than a subscription (`maxBytes`) may.
     */
    previewMaxBytes: z
      .number()
      .int()
      .min(1024)
      .max(100 * 1024 * 1024)
      .default(1024 * 1024),
    /** Previews one person may ask for per minute in one room (also the burst). Default 3. */
    previewsPerUserPerMinute: z.number().int().min(1).max(600).default(3),
    /** Previews running at once over the whole server; a few more wait. Default 4. */
    previewConcurrency: z.number().int().min(1).max(64).default(4),
    /**
     * Worker threads that parse feed documents, off the event loop (a 5 MiB feed takes seconds
     * to parse). Default 2.
     */
    parseWorkers: z.number().int().min(1).max(16).default(2),
    /** Longest parse of one document, ms; the worker is ended and replaced. Default 10000. */
    parseTimeoutMs: z.number().int().min(100).max(300_000).default(10_000),
    /** Heap of one parse worker, MiB; a document needing more fails alone. Default 256. */
    parseMaxHeapMb: z.number().int().min(16).max(4096).default(256),
    /** Entries read from one feed document; the rest are ignored. Default 500. */
    maxItems: z.number().int().min(1).max(10_000).default(500),
    /** Redirects followed per fetch, each checked like the first address. Default 5. */
    maxRedirects: z.number().int().min(0).max(5).default(5),
    /** Newest entries posted when a feed is added (0 posts nothing). Default 1. */
    postOnSubscribe: z.number().int().min(0).max(10).default(1),
    /** More new entries than this in one poll become one digest message. Default 10. */
    digestThreshold: z.number().int().min(1).max(100).default(10),
    /** Longest summary in a message, characters, cut after sanitising. Default 1000. */
    summaryMaxChars: z.number().int().min(0).max(20_000).default(1000),
    /** Entries dated this many days before the newest one seen are never posted. Default 7. */
    staleDays: z.number().int().min(1).max(3650).default(7),
    /** The room is told once a feed has failed this long, seconds (and again when it recovers). Default 3600. */
    failureNoticeAfterSeconds: z.number().int().min(1).default(3600),
    /** Subscriptions one room may have. Default 50. */
    maxPerRoom: z.number().int().min(1).max(1000).default(50),
    /**
     * Internal feed servers the fetcher may reach although their address is loopback, private
     * or link-local: exact `ip:port` pairs, checked against the address actually dialled.
     * Default none: every non-public address is refused.
     */
    allowList: z.array(allowEntry).default([]),
  })
  .superRefine((f, ctx) => {
    if (f.minIntervalSeconds > f.maxIntervalSeconds) {
      ctx.addIssue({
        code: "custom",
        path: ["minIntervalSeconds"],
        message: "must not exceed feeds.maxIntervalSeconds",
      });
    }
  });

export type FeedsConfig = z.infer<typeof feedsConfigSchema>;
