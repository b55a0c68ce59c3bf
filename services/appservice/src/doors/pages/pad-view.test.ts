import { ReadOnlyViews, VIEW_CSP, viewPage, viewPath } from "./pad-view";

const VIEW = { roomId: "!r:example.org", widgetId: "w1", userId: "@reader:example.org" };

describe("read-only view links", () => {
  it("stay valid for their lifetime and are loaded repeatedly", () => {
    let now = 1000;
    const views = new ReadOnlyViews(() => now);
    const token = views.issue(VIEW, 60);
    expect(viewPath(token)).toMatch(/^\/atrium\/pad\/view\/[\w-]{43}$/);
    expect(views.find(token)).toMatchObject(VIEW);
    expect(views.find(token)).toMatchObject(VIEW);
    now += 60_000;
    expect(views.find(token)).toBeUndefined();
  });

  it.each([["too short"], ["x".repeat(43) + "!"], [""]])("refuses the malformed %p", (token) => {
    expect(new ReadOnlyViews().find(token)).toBeUndefined();
  });

  it("are unguessable: two links for the same member differ", () => {
    const views = new ReadOnlyViews();
    expect(views.issue(VIEW, 60)).not.toBe(views.issue(VIEW, 60));
  });
});

describe("the read-only page", () => {
  it("shows the pad's text escaped, with no script", () => {
    const html = viewPage('<script>alert(1)</script> & "notes"');
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;notes&quot;");
    expect(html).not.toMatch(/<script/i);
    expect(VIEW_CSP).toContain("default-src 'none'");
    expect(VIEW_CSP).not.toContain("script-src");
  });
});
