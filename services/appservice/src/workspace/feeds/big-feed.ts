/**
 * A large, valid RSS document for tests and the benchmark: `entries` entries of about 1 KiB
 * each (5000 make the 5 MiB feed of issue 22, item 5). Not test-only: `./atrium bench` uses it.
 */
export function bigRss(entries: number, now = Date.UTC(2026, 0, 10)): string {
  const text = "Lorem ipsum dolor sit amet, consectetur adipiscing elit. ".repeat(16);
  const items: string[] = [];
  for (let i = 0; i < entries; i++) {
    items.push(
      `<item><title>Entry ${i}</title><link>https://e.example/${i}</link><guid>g-${i}</guid>` +
        `<pubDate>${new Date(now - i * 60_000).toUTCString()}</pubDate>` +
        `<description>&lt;p&gt;${text}&lt;/p&gt;</description></item>`,
    );
  }
  return `<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Big</title><link>https://e.example/</link><description>big</description>${items.join("")}</channel></rss>`;
}
