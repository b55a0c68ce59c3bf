/**
 * The parse pool (issue 22 item 5): feeds are parsed in worker threads, so a 5 MiB feed does not
 * stall the event loop; a parse past its deadline or its heap limit fails alone and the pool
 * goes on with a fresh worker.
 */
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import { threadId } from "node:worker_threads";
import { bigRss } from "./big-feed";
import { FeedParseError } from "./parse";
import { inThreadParser, WorkerParser } from "./parse-pool";

const small = Buffer.from(
  `<rss version="2.0"><channel><title>Small</title><item><title>One</title><guid>1</guid></item></channel></rss>`,
);
const big = Buffer.from(bigRss(5000));
const input = (body: Buffer) => ({
  body,
  contentType: "application/rss+xml",
  url: "https://e.example/feed.xml",
  maxItems: 500,
});

let pool: WorkerParser;
afterEach(async () => pool?.close());

it("parses in a worker thread, with the same result as on the main thread", async () => {
  pool = new WorkerParser({ size: 2, timeoutMs: 30_000, maxHeapMb: 512 });
  const parsed = await pool.parse(input(small));
  expect(parsed).toEqual(await inThreadParser.parse(input(small)));
  expect([...pool.threadIds]).not.toContain(threadId);
  expect(pool.threadIds.size).toBe(1);
});

it("keeps the event loop free while 4 feeds of 5 MiB are parsed", async () => {
  pool = new WorkerParser({ size: 2, timeoutMs: 60_000, maxHeapMb: 512 });
  expect(big.length).toBeGreaterThan(5 * 1024 * 1024);
  // Measured in CPU time of this thread: on a busy machine other processes stretch wall-clock
  // delays (a loaded CI saw 480 ms with the pool), not the work this thread itself does.
  const cpuMsSince = (since: NodeJS.CpuUsage) => {
    const used = process.threadCpuUsage(since);
    return (used.user + used.system) / 1000;
  };
  const inThreadStart = process.threadCpuUsage();
  await inThreadParser.parse(input(big));
  const inThreadCpuMs = cpuMsSince(inThreadStart);
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const started = performance.now();
  const poolStart = process.threadCpuUsage();
  const results = await Promise.all([1, 2, 3, 4].map(() => pool.parse(input(big))));
  const mainCpuMs = cpuMsSince(poolStart);
  const took = performance.now() - started;
  delay.disable();
  process.stdout.write(
    `parse pool: 4 × ${(big.length / 1048576).toFixed(1)} MiB in ${took.toFixed(0)} ms; main thread CPU ${mainCpuMs.toFixed(0)} ms (one in-thread parse: ${inThreadCpuMs.toFixed(0)} ms); event-loop delay max ${(delay.max / 1e6).toFixed(1)} ms\n`,
  );
  for (const r of results) expect(r.items).toHaveLength(500);
  // The main thread only posts the bodies and receives 4 × 500 entries: less work than one
  // parse on it (parsing here would cost it four).
  expect(mainCpuMs).toBeLessThan(inThreadCpuMs);
});

it("fails a parse past its deadline and goes on with a fresh worker", async () => {
  pool = new WorkerParser({ size: 1, timeoutMs: 50, maxHeapMb: 512 });
  await expect(pool.parse(input(big))).rejects.toThrow(FeedParseError);
  await expect(pool.parse(input(big))).rejects.toThrow(/longer than 50 ms/);
  const slow = new WorkerParser({ size: 1, timeoutMs: 30_000, maxHeapMb: 512 });
  await expect(slow.parse(input(small))).resolves.toMatchObject({ title: "Small" });
  await slow.close();
});

it("fails a parse that outgrows the worker's heap, not the process", async () => {
  // Margins both ways (measured): a small feed parses in a 12 MiB heap, this 50 MiB one fails
  // even in 64 MiB. With 16 MiB and the 5 MiB feed (which fits in 24) a loaded CI failed the
  // small parse too.
  pool = new WorkerParser({ size: 1, timeoutMs: 60_000, maxHeapMb: 32 });
  const huge = Buffer.from(bigRss(50_000));
  expect(huge.length).toBeGreaterThan(50 * 1024 * 1024);
  await expect(pool.parse(input(huge))).rejects.toThrow(/more memory/);
  await expect(pool.parse(input(small))).resolves.toMatchObject({ title: "Small" });
});

it("refuses a document that is no feed with the parser's reason", async () => {
  pool = new WorkerParser({ size: 1, timeoutMs: 30_000, maxHeapMb: 512 });
  await expect(pool.parse(input(Buffer.from("<html><body>hi</body></html>")))).rejects.toThrow(
    /not an RSS, Atom, RDF or JSON feed/,
  );
});
