import { elementOffersEdit, integrationsWidgetsUrls, underWidgetsUrls } from "./element-edit";

const PAD = "https://pads.example.org/atrium/pad?roomId=$matrix_room_id&widgetId=$matrix_widget_id";
const CONFERENCE =
  "https://pads.example.org/atrium/conference?roomId=$matrix_room_id&widgetId=$matrix_widget_id";
const IM_API = "https://im.example.org/api";

describe("integrationsWidgetsUrls", () => {
  const prefixes = integrationsWidgetsUrls({
    webPublicUrl: "https://pads.example.org/",
    imUrl: "https://im.example.org",
  });

  it("lists the pad and conference pages and the IM's API, nothing else", () => {
    expect(prefixes).toEqual([
      "https://pads.example.org/atrium/pad",
      "https://pads.example.org/atrium/conference",
      "https://im.example.org/api",
    ]);
  });

  it.each([
    ["the pad page", PAD],
    ["the conference page", CONFERENCE],
  ])("makes Element offer Edit on %s", (_what, url) => {
    expect(elementOffersEdit(url, IM_API, prefixes)).toBe(true);
  });

  it.each([
    ["a web page someone added", "https://example.com/dashboard"],
    ["a pad served by Etherpad itself", "https://pads.example.org/p/g.abc$notes"],
    ["the IM's UI", "https://im.example.org/element"],
    ["Element's Jitsi wrapper", "https://element.example.org/jitsi.html#conferenceId=x"],
    ["the pad page over http", PAD.replace("https:", "http:")],
    ["the pad page on another port", PAD.replace("pads.example.org", "pads.example.org:8443")],
  ])("hands no token to %s", (_what, url) => {
    expect(underWidgetsUrls(url, prefixes)).toBe(false);
  });

  it("offers no Edit when the IM's API is not under a prefix (the old /widgets prefix)", () => {
    expect(elementOffersEdit(PAD, IM_API, ["https://im.example.org/widgets"])).toBe(false);
    expect(elementOffersEdit(PAD, IM_API, prefixes.slice(0, 2))).toBe(false);
  });

  it("keeps loopback host names apart (localhost is not 127.0.0.1)", () => {
    const local = integrationsWidgetsUrls({
      webPublicUrl: "http://localhost:8080",
      imUrl: "http://127.0.0.1:9190",
    });
    expect(
      elementOffersEdit(
        "http://localhost:8080/atrium/pad?roomId=$matrix_room_id",
        "http://127.0.0.1:9190/api",
        local,
      ),
    ).toBe(true);
    expect(underWidgetsUrls("http://127.0.0.1:8080/atrium/pad", local)).toBe(false);
  });
});
