import {
  EtherpadApiError,
  EtherpadAuthError,
  EtherpadInputError,
  EtherpadUnavailableError,
} from "@atrium/etherpad";
import { describeFailure } from "./describe";

describe("describeFailure", () => {
  it.each([
    [
      "unavailable",
      new EtherpadUnavailableError("http://etherpad:9001", "createGroupPad", "ECONNREFUSED"),
      /not answering/,
    ],
    ["auth", new EtherpadAuthError("createGroupPad"), /API key/],
    ["input", new EtherpadInputError("bad name"), /refused that name/],
    ["api", new EtherpadApiError("createGroupPad", 2, "internal error"), /Etherpad's log/],
    [
      "a Matrix error",
      Object.assign(new Error("x"), { errcode: "M_FORBIDDEN", body: { error: "no" } }),
      /M_FORBIDDEN: no/,
    ],
    ["a network error", new Error("socket hang up"), /could not be reached/],
  ])("%s gets words for the room", (_label, error, expected) => {
    const text = describeFailure(error);
    expect(text).toMatch(expected);
    expect(text).toMatch(/[Nn]othing/);
  });
});
