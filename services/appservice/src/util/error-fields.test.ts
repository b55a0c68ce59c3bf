import { errcodeOf, statusOf } from "../matrix/errors";
import { retryAfterMs } from "./retry";

describe("error fields", () => {
  it("reads the bot-sdk's MatrixError and a bare response body alike", () => {
    expect(errcodeOf({ errcode: "M_FORBIDDEN", body: { errcode: "M_OTHER" } })).toBe("M_FORBIDDEN");
    expect(errcodeOf({ body: { errcode: "M_NOT_FOUND" } })).toBe("M_NOT_FOUND");
    expect(retryAfterMs({ retryAfterMs: 1500 })).toBe(1500);
    expect(retryAfterMs({ body: { retry_after_ms: 2500 } })).toBe(2500);
    expect(statusOf({ statusCode: 502 })).toBe(502);
    expect(statusOf({ status: 429 })).toBe(429);
  });

  it("passes over a field of the wrong type to the next place, and over what is no object", () => {
    expect(errcodeOf({ errcode: 403, body: { errcode: "M_FORBIDDEN" } })).toBe("M_FORBIDDEN");
    expect(
      retryAfterMs({ retryAfterMs: "soon", body: { retry_after_ms: "later" } }),
    ).toBeUndefined();
    expect(statusOf({ statusCode: "500" })).toBeUndefined();
    for (const nothing of [null, undefined, "M_FORBIDDEN", 42]) {
      expect(errcodeOf(nothing)).toBeUndefined();
    }
  });
});
