import { withRetry } from "./retry";

describe("withRetry", () => {
  it("honours retry_after_ms from M_LIMIT_EXCEEDED", async () => {
    const waits: number[] = [];
    let calls = 0;
    const result = await withRetry(
      async () => {
        calls++;
        if (calls < 3)
          throw Object.assign(new Error("limited"), {
            errcode: "M_LIMIT_EXCEEDED",
            retryAfterMs: 1234,
          });
        return "ok";
      },
      { sleep: async (ms) => void waits.push(ms) },
    );
    expect(result).toBe("ok");
    expect(waits).toEqual([1234, 1234]);
  });

  it("backs off exponentially for retryable errors and gives up after the last attempt", async () => {
    const waits: number[] = [];
    await expect(
      withRetry(async () => Promise.reject(new Error("down")), {
        attempts: 4,
        baseDelayMs: 100,
        retryable: () => true,
        sleep: async (ms) => void waits.push(ms),
      }),
    ).rejects.toThrow("down");
    expect(waits).toEqual([100, 200, 400]);
  });

  it("never retries an error that is not retryable", async () => {
    let calls = 0;
    await expect(
      withRetry(async () => {
        calls++;
        throw new Error("M_FORBIDDEN");
      }),
    ).rejects.toThrow("M_FORBIDDEN");
    expect(calls).toBe(1);
  });
});
