/**
 * The feed parse figure for `pnpm bench` (issue 22 item 5): four 5 MiB feeds parsed at once in
 * the worker pool, with the event-loop delay meanwhile, beside one parse on the main thread (how
 * long it would block the event loop).
 */
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import { bigRss } from "@atrium/appservice/dist/workspace/feeds/big-feed";
import { inThreadParser, WorkerParser } from "@atrium/appservice/dist/workspace/feeds/parse-pool";

export async function feedParseBench() {
  const body = Buffer.from(bigRss(5000));
  const input = {
    body,
    contentType: "application/rss+xml",
    url: "https://e.example/",
    maxItems: 500,
  };
  const t0 = performance.now();
  await inThreadParser.parse(input);
  const mainThreadMs = performance.now() - t0;
  const pool = new WorkerParser({ size: 2, timeoutMs: 60_000, maxHeapMb: 256 });
  try {
    await pool.parse(input); // warm: the workers start
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    const t1 = performance.now();
    await Promise.all([1, 2, 3, 4].map(() => pool.parse(input)));
    const poolMs = performance.now() - t1;
    delay.disable();
    return {
      feed_mib: +(body.length / 1048576).toFixed(1),
      main_thread_parse_ms: Math.round(mainThreadMs),
      worker_pool_4_parses_ms: Math.round(poolMs),
      event_loop_delay_max_ms_during_pool: +(delay.max / 1e6).toFixed(1),
    };
  } finally {
    await pool.close();
  }
}
