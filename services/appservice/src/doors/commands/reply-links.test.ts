import { reply } from "./reply";

describe("reply links", () => {
  it.each([
    [
      "Open it: https://a.example/atrium/room/%21r%3Ax?w=p1",
      '<a href="https://a.example/atrium/room/%21r%3Ax?w=p1">',
    ],
    ['"Board" https://a.example/x.', '<a href="https://a.example/x">https://a.example/x</a>.'],
    ['see "https://a.example/q?a=1&b=2" now', '&quot;<a href="https://a.example/q?a=1&amp;b=2">'],
  ])("%s", (text, html) => {
    expect(reply(text).html).toContain(html);
  });

  it("leaves text without links alone", () => {
    expect(reply("no <links> here").html).toBe("no &lt;links&gt; here");
  });
});
