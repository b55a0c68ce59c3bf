/**
 * Issue 22 items 3 and 5 against the real Synapse and the appservice process: `!feed preview`
 * runs off the room's ordered lane (a slow feed server does not hold the room's next command),
 * is bounded per person and room, and parses off the event loop (ten previews of a 5 MiB feed
 * at once leave the appservice answering). The event-loop figure is the appservice's own
 * (`atrium_nodejs_eventloop_lag_max_seconds`, a monitorEventLoopDelay histogram reset on each
 * scrape), so the check does not depend on how fast this machine answers HTTP.
 */
import { performance } from "node:perf_hooks";
import * as zlib from "node:zlib";
import type { TestUser } from "../harness/atrium";
import { command, roomWithBot } from "../appservice/fixtures";
import { rss } from "./feed-server";
import { useFeedWorld } from "./fixtures";
import { inThreadParser } from "@atrium/appservice/dist/workspace/feeds/parse-pool";

const PREVIEWS_PER_MINUTE = 10;
const PREVIEW_NOTE = "Preview (nothing was added):";

const w = useFeedWorld(
  {
    timeoutMs: 20_000,
    // The 5 MiB feed is read and parsed (the size cap is not what keeps the loop free here).
    maxBytes: 8 * 1024 * 1024,
    previewMaxBytes: 8 * 1024 * 1024,
    previewsPerUserPerMinute: PREVIEWS_PER_MINUTE,
  },
  async (stack) => ({ alice: await stack.user("alice") }),
);

function bodiesOfBot(events: Awaited<ReturnType<TestUser["client"]["messages"]>>): string[] {
  return events
    .filter((e) => e.sender === w.stack.botUserId && e.type === "m.room.message")
    .map((e) => String(e.content.body));
}

it("answers the room's next command while a preview waits for a slow server", async () => {
  const roomId = await roomWithBot(w.stack, w.alice, { name: "Slow" });
  let release!: () => void;
  w.feedServer.set("/slow.xml", {
    hold: new Promise<void>((r) => (release = r)),
    body: rss("Slow blog", [{ guid: "s1", title: "Slow post", date: new Date() }]),
  });
  try {
    await w.alice.client.sendMessage(roomId, `!feed preview ${w.feedServer.url("/slow.xml")}`);
    const widgets = await command(w.stack, w.alice, roomId, "!widgets");
    expect(String(widgets.content.body)).toMatch(/Atrium has placed no widgets/);
    // The preview is still waiting for the server: it was asked, and has not answered.
    expect(w.feedServer.requests("/slow.xml")).toHaveLength(1);
    expect(bodiesOfBot(await w.alice.client.messages(roomId))).not.toContainEqual(
      expect.stringContaining("Slow post"),
    );
  } finally {
    release();
  }
  const preview = await w.alice.client.waitForMessage(
    roomId,
    (e) => e.sender === w.stack.botUserId && String(e.content.body).includes("Slow post"),
  );
  expect(String(preview.content.body)).toMatch(
    new RegExp(`^${PREVIEW_NOTE.replace(/[()]/g, "\\$&")}`),
  );
});

/** The appservice's own event-loop delay maximum since the last scrape, ms. */
async function loopLagMaxMs(): Promise<number> {
  const text = await (await fetch(`${w.stack.appserviceUrl}/metrics`)).text();
  const match = /^atrium_nodejs_eventloop_lag_max_seconds (\S+)$/m.exec(text);
  if (!match) throw new Error("the appservice exports no atrium_nodejs_eventloop_lag_max_seconds");
  return Number(match[1]) * 1000;
}

it("keeps answering while ten previews of a 5 MiB feed run at once, and bounds them per person", async () => {
  const roomId = await roomWithBot(w.stack, w.alice, { name: "Big" });
  const big = rss(
    "Big blog",
    Array.from({ length: 5000 }, (_, i) => ({
      guid: `g${i}`,
      title: `Entry ${i}`,
      link: `https://example.org/${i}`,
      date: new Date(Date.now() - i * 60_000),
      description: "Lorem ipsum dolor sit amet, consectetur adipiscing elit. ".repeat(16),
    })),
  );
  expect(Buffer.byteLength(big)).toBeGreaterThan(5 * 1024 * 1024);
  const gz = zlib.gzipSync(big);
  w.feedServer.set("/big.xml", {
    headers: { "content-type": "application/rss+xml", "content-encoding": "gzip" },
    body: gz,
  });

  // What one parse of this feed blocks an event loop for on this machine now (the appservice
  // parsed on its own loop before issue 22): the bound below scales with the machine's load.
  const parseStarted = performance.now();
  await inThreadParser.parse({
    body: Buffer.from(big),
    contentType: "application/rss+xml",
    url: w.feedServer.url("/big.xml"),
    maxItems: 20,
  });
  const inThreadMs = performance.now() - parseStarted;
  await loopLagMaxMs(); // resets the appservice's histogram
  const latencies: number[] = [];
  let probing = true;
  const probe = (async () => {
    while (probing) {
      for (const url of [
        `${w.stack.webUrl}/atrium/static/widget-page.css`,
        `${w.stack.appserviceUrl}/health`,
      ]) {
        const t0 = performance.now();
        const res = await fetch(url);
        await res.arrayBuffer();
        latencies.push(performance.now() - t0);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  const started = performance.now();
  for (let i = 0; i < PREVIEWS_PER_MINUTE; i++) {
    await w.alice.client.sendMessage(
      roomId,
      `!feed preview ${w.feedServer.url(`/big.xml?n=${i}`)}`,
    );
  }
  const deadline = Date.now() + 120_000;
  let previews = 0;
  while (Date.now() < deadline) {
    previews = bodiesOfBot(await w.alice.client.messages(roomId, 100)).filter((b) =>
      b.startsWith(PREVIEW_NOTE),
    ).length;
    if (previews >= PREVIEWS_PER_MINUTE) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  const took = performance.now() - started;
  probing = false;
  await probe;
  const lagMs = await loopLagMaxMs();
  const sorted = [...latencies].sort((a, b) => a - b);
  process.stdout.write(
    `feed previews: ${PREVIEWS_PER_MINUTE} × ${(Buffer.byteLength(big) / 1048576).toFixed(1)} MiB ` +
      `(${(gz.length / 1024).toFixed(0)} KiB gzipped) in ${took.toFixed(0)} ms; appservice event-loop ` +
      `delay max ${lagMs.toFixed(1)} ms (one parse in-thread: ${inThreadMs.toFixed(0)} ms); ${latencies.length} HTTP probes, median ` +
      `${sorted[Math.floor(sorted.length / 2)]?.toFixed(1)} ms, max ${sorted.at(-1)?.toFixed(1)} ms\n`,
  );
  expect(previews).toBe(PREVIEWS_PER_MINUTE);
  // 200 ms, or half of one parse on the main thread when this machine is slower than that.
  expect(lagMs).toBeLessThan(Math.max(200, inThreadMs / 2));

  // One more in the same minute is refused with when to try again, and reads nothing.
  const before = w.feedServer.requests("/big.xml").length;
  const refused = await command(
    w.stack,
    w.alice,
    roomId,
    `!feed preview ${w.feedServer.url("/big.xml?n=x")}`,
  );
  expect(String(refused.content.body)).toMatch(
    new RegExp(
      `asked for ${PREVIEWS_PER_MINUTE} previews in this room in the last minute.*try again in \\d+ s`,
    ),
  );
  expect(w.feedServer.requests("/big.xml")).toHaveLength(before);
});
