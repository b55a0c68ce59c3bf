import { decodeBody, FeedParseError, parseDocument } from "./parse";
import { checkTemplate, renderItem, sanitizeSummary } from "./render";
import { AllowList, nonPublicRange } from "./address-guard";

const URL_ = "https://blog.example.org/feed";

const RSS = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>Example Blog</title><link>https://blog.example.org/</link><ttl>60</ttl>
<item><title>Second post</title><link>https://blog.example.org/2?utm_source=rss#top</link>
<guid isPermaLink="false">post-2</guid><pubDate>Tue, 02 Jan 2024 10:00:00 +0000</pubDate>
<dc:creator>Ann</dc:creator><description><![CDATA[<p>Two <b>bold</b></p>]]></description></item>
<item><title>First post</title><link>https://blog.example.org/1</link>
<pubDate>Mon, 01 Jan 2024 10:00:00 +0000</pubDate><description>One</description></item>
</channel></rss>`;

const ATOM = `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom Site</title><id>urn:site</id>
<updated>2024-02-01T00:00:00Z</updated>
<entry><title type="html">Hello &lt;i&gt;world&lt;/i&gt;</title><id>urn:e1</id>
<link rel="alternate" href="/posts/e1"/><updated>2024-02-01T00:00:00Z</updated>
<author><name>Bo</name></author><summary type="html">&lt;p&gt;sum&lt;/p&gt;</summary></entry></feed>`;

const RDF = `<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">
<channel rdf:about="https://r.example/"><title>RDF Site</title><link>https://r.example/</link><description>d</description></channel>
<item rdf:about="https://r.example/1"><title>R1</title><link>https://r.example/1</link><description>dd</description></item></rdf:RDF>`;

const JSONFEED = JSON.stringify({
  version: "https://jsonfeed.org/version/1.1",
  title: "JSON Site",
  items: [
    {
      id: "j1",
      url: "https://j.example/1",
      title: "J1",
      content_html: "<p>x</p>",
      date_published: "2024-03-01T00:00:00Z",
      authors: [{ name: "Cy" }],
    },
  ],
});

describe("parseDocument", () => {
  it.each([
    ["RSS 2.0", RSS, "rss", "Example Blog", "Second post"],
    ["Atom", ATOM, "atom", "Atom Site", "Hello <i>world</i>"],
    ["RDF (RSS 1.0)", RDF, "rdf", "RDF Site", "R1"],
    ["JSON Feed 1.1", JSONFEED, "json", "JSON Site", "J1"],
  ])("reads %s", (_name, doc, format, title, firstTitle) => {
    const feed = parseDocument(doc, URL_, 500);
    expect(feed.format).toBe(format);
    expect(feed.title).toBe(title);
    expect(feed.items[0]?.title).toBe(firstTitle);
  });

  it("keys entries by guid, else normalised link, and resolves relative links", () => {
    const rss = parseDocument(RSS, URL_, 500);
    expect(rss.items.map((i) => i.key)).toEqual(["1:g:post-2", "1:l:https://blog.example.org/1"]);
    // The guid entry also carries its link key (utm_* and the fragment dropped): GUID churn.
    expect(rss.items[0]?.linkKey).toBe("1:l:https://blog.example.org/2");
    expect(rss.intervalHintSeconds).toBe(3600);
    const atom = parseDocument(ATOM, URL_, 500);
    expect(atom.items[0]?.link).toBe("https://blog.example.org/posts/e1");
    expect(atom.items[0]?.author).toBe("Bo");
  });

  it("falls back to a hash of title and text when there is no id or link", () => {
    const doc = `<rss version="2.0"><channel><title>t</title><item><title>a</title><description>b</description></item></channel></rss>`;
    expect(parseDocument(doc, URL_, 500).items[0]?.key).toMatch(/^1:h:[0-9a-f]{64}$/);
  });

  it("refuses an internal DTD subset (billion laughs) before parsing", () => {
    const laughs = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>
<rss version="2.0"><channel><title>&lol2;</title></channel></rss>`;
    expect(() => parseDocument(laughs, URL_, 500)).toThrow(FeedParseError);
    expect(() => parseDocument(laughs, URL_, 500)).toThrow(/DTD/);
  });

  it("caps the number of entries read", () => {
    const items = Array.from(
      { length: 20 },
      (_, i) => `<item><guid>${i}</guid><title>t${i}</title></item>`,
    ).join("");
    const doc = `<rss version="2.0"><channel><title>t</title>${items}</channel></rss>`;
    expect(parseDocument(doc, URL_, 5).items).toHaveLength(5);
  });
});

describe("decodeBody", () => {
  it("reads windows-1252 declared in the XML declaration", () => {
    const xml = `<?xml version="1.0" encoding="windows-1252"?><rss version="2.0"><channel><title>Caf\u00e9 \u201cquotes\u201d</title></channel></rss>`;
    const bytes = Buffer.from(xml.replace("\u201c", "\x93").replace("\u201d", "\x94"), "latin1");
    const text = decodeBody(bytes, "text/xml");
    expect(parseDocument(text, URL_, 10).title).toBe("Café “quotes”");
  });

  it("drops a UTF-8 BOM and honours the Content-Type charset", () => {
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(RSS, "utf8")]);
    expect(parseDocument(decodeBody(bom, undefined), URL_, 10).title).toBe("Example Blog");
    const latin = Buffer.from(
      '<rss version="2.0"><channel><title>Ol\u00e9</title></channel></rss>',
      "latin1",
    );
    expect(decodeBody(latin, "application/rss+xml; charset=ISO-8859-1")).toContain("Olé");
  });
});

describe("rendering", () => {
  const item = (over: Partial<ReturnType<typeof parseDocument>["items"][number]>) => ({
    key: "1:g:x",
    linkKey: null,
    title: "Title",
    link: "https://e.example/x",
    html: "<p>text</p>",
    author: "",
    date: Date.UTC(2024, 0, 2, 3, 4),
    contentHash: "h",
    ...over,
  });

  it("renders HTML injection in titles and summaries inert", () => {
    const r = renderItem(
      item({
        title: `<img src=x onerror=alert(1)>Hi <script>alert(2)</script>`,
        html: `<p onclick="x()">ok <a href="javascript:alert(3)">js</a> <a href="https://ok.example/">fine</a><img src="https://tracker.example/p.gif"><iframe src="https://e.example"></iframe><script>alert(4)</script></p>`,
        link: 'https://e.example/x?a=1&b="2"',
      }),
      { feed: "Blog <b>", template: null, summaryMaxChars: 1000 },
    );
    expect(r.html).not.toMatch(/<img|<script|<iframe|onerror|onclick|javascript:/i);
    expect(r.html).toContain("Blog &lt;b&gt;");
    expect(r.html).toContain('<a href="https://ok.example/"');
    expect(r.plain).toContain("Hi");
    expect(r.plain).not.toContain("alert(2)");
    expect(r.plain).toContain("ok js fine");
  });

  it("cuts the summary after sanitising, closing open tags", () => {
    const long = `<p><b>${"word ".repeat(100)}</b></p>`;
    const s = sanitizeSummary(long, 30);
    expect(s.text.length).toBeLessThanOrEqual(31);
    expect(s.text.endsWith("…")).toBe(true);
    expect(s.html).toMatch(/<\/b><\/p>$/);
  });

  it("fills a custom template and drops lines whose variables are empty", () => {
    const r = renderItem(item({ author: "" }), {
      feed: "F",
      template: "$title by $author\\n$date — $link",
      summaryMaxChars: 100,
    });
    expect(r.plain).toBe("Title by\n2024-01-02 03:04 UTC — https://e.example/x");
    expect(checkTemplate("$title $nope")).toMatch(/\$nope/);
    expect(checkTemplate("$linked_title $summary")).toBeNull();
  });
});

describe("address guard", () => {
  it.each([
    ["127.0.0.1", "loopback"],
    ["::1", "loopback"],
    ["::ffff:7f00:1", "loopback"],
    ["::ffff:127.0.0.1", "loopback"],
    ["169.254.169.254", "linkLocal"],
    ["10.1.2.3", "private"],
    ["192.168.0.1", "private"],
    ["100.64.0.1", "carrierGradeNat"],
    ["0.0.0.0", "unspecified"],
    ["fc00::1", "uniqueLocal"],
    ["fe80::1", "linkLocal"],
  ])("refuses %s (%s)", (address, range) => {
    expect(nonPublicRange(address)).toBe(range);
  });

  it.each(["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"])("accepts public %s", (a) => {
    expect(nonPublicRange(a)).toBeNull();
  });

  it("allows exactly the listed address and port", () => {
    const allow = new AllowList(["127.0.0.1:8080", "[::1]:9000"]);
    expect(allow.allows("127.0.0.1", 8080)).toBe(true);
    expect(allow.allows("::ffff:127.0.0.1", 8080)).toBe(true);
    expect(allow.allows("127.0.0.1", 8081)).toBe(false);
    expect(allow.allows("::1", 9000)).toBe(true);
  });
});
