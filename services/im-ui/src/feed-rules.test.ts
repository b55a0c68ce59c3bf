import type { ImFeed } from "@atrium/widgets";
import { checkFeedLabel, checkFeedUrl, feedStateText, linkify } from "./feed-rules";

const feed = (over: Partial<ImFeed>): ImFeed => ({
  id: 1,
  label: "Blog",
  url: "https://example.org/feed.xml",
  state: "active",
  error: null,
  template: null,
  addedBy: "@a:x",
  ...over,
});

describe("checkFeedUrl", () => {
  it("takes full http(s) URLs, private ones too (the server's guard decides those)", () => {
    expect(checkFeedUrl(" https://example.org/feed.xml ")).toEqual({
      ok: true,
      value: "https://example.org/feed.xml",
    });
    expect(checkFeedUrl("http://127.0.0.1:8080/feed").ok).toBe(true);
  });

  it("refuses what !feed add refuses, with its reasons", () => {
    expect(checkFeedUrl("")).toMatchObject({ ok: false, reason: "Give the feed's address." });
    expect(checkFeedUrl("example.org/feed")).toMatchObject({ reason: /not a web address/ });
    expect(checkFeedUrl("ftp://example.org/feed")).toMatchObject({
      reason: "Only http:// and https:// feeds can be followed.",
    });
    expect(checkFeedUrl("https://u:p@example.org/")).toMatchObject({ reason: /user name/ });
    expect(checkFeedUrl(`https://e.org/${"a".repeat(2048)}`)).toMatchObject({ reason: /2048/ });
  });
});

describe("checkFeedLabel", () => {
  it("takes an empty label (the feed's title is used) and short names", () => {
    expect(checkFeedLabel("  ")).toEqual({ ok: true, value: "" });
    expect(checkFeedLabel(" Blog ")).toEqual({ ok: true, value: "Blog" });
  });

  it("refuses numbers (they name feeds by id), long labels and control characters", () => {
    for (const bad of ["42", "x".repeat(41), "a\u0007b"]) {
      expect(checkFeedLabel(bad)).toMatchObject({ ok: false, reason: /not just a number/ });
    }
  });
});

describe("feedStateText", () => {
  it("names each state, warning on failing and gone feeds", () => {
    expect(feedStateText(feed({}))).toEqual({ text: "Active", warn: false });
    expect(feedStateText(feed({ state: "paused" }))).toEqual({ text: "Paused", warn: false });
    expect(feedStateText(feed({ state: "failing", error: "HTTP 500" }))).toEqual({
      text: "Failing: HTTP 500",
      warn: true,
    });
    expect(feedStateText(feed({ state: "gone" })).warn).toBe(true);
  });
});

describe("linkify", () => {
  it("splits http(s) links out of text, leaving trailing punctuation and parentheses", () => {
    expect(linkify("Blog: Post (https://example.org/2)\nSee http://e.org/a.")).toEqual([
      { text: "Blog: Post (" },
      { text: "https://example.org/2", href: "https://example.org/2" },
      { text: ")\nSee " },
      { text: "http://e.org/a", href: "http://e.org/a" },
      { text: "." },
    ]);
    expect(linkify("javascript:alert(1) no links")).toEqual([
      { text: "javascript:alert(1) no links" },
    ]);
  });
});
