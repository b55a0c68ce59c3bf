import { EtherpadApiError, EtherpadUnavailableError, type EtherpadClient } from "@atrium/etherpad";
import { createMetrics } from "../util/metrics";
import { instrumentEtherpad } from "./etherpad-metrics";

function fakeClient(failures: Error[]): { client: EtherpadClient; calls: string[] } {
  const calls: string[] = [];
  const next = async (name: string) => {
    calls.push(name);
    const failure = failures.shift();
    if (failure) throw failure;
    return `${name}-ok`;
  };
  const client = {
    createGroupPad: () => next("createGroupPad"),
    createSession: () => next("createSession"),
  } as unknown as EtherpadClient;
  return { client, calls };
}

const unavailable = () => new EtherpadUnavailableError("http://etherpad", "x", "ECONNREFUSED");
const noWait = { attempts: 3, baseDelayMs: 0, sleep: async () => undefined };

describe("instrumentEtherpad", () => {
  it("retries an idempotent call while Etherpad is unavailable", async () => {
    const { client, calls } = fakeClient([unavailable(), unavailable()]);
    const wrapped = instrumentEtherpad(client, createMetrics(), noWait);
    await expect(wrapped.createGroupPad("g.x", "notes")).resolves.toBe("createGroupPad-ok");
    expect(calls).toHaveLength(3);
  });

  it("gives up after the last attempt with the typed error", async () => {
    const { client } = fakeClient([unavailable(), unavailable(), unavailable()]);
    const wrapped = instrumentEtherpad(client, createMetrics(), noWait);
    await expect(wrapped.createGroupPad("g.x", "notes")).rejects.toBeInstanceOf(
      EtherpadUnavailableError,
    );
  });

  it.each([["an API error", () => new EtherpadApiError("createGroupPad", 1, "bad")]])(
    "does not retry %s",
    async (_label, make) => {
      const { client, calls } = fakeClient([make()]);
      const wrapped = instrumentEtherpad(client, createMetrics(), noWait);
      await expect(wrapped.createGroupPad("g.x", "n")).rejects.toBeInstanceOf(EtherpadApiError);
      expect(calls).toHaveLength(1);
    },
  );

  it("never retries createSession, which is not idempotent", async () => {
    const { client, calls } = fakeClient([unavailable()]);
    const wrapped = instrumentEtherpad(client, createMetrics(), noWait);
    await expect(wrapped.createSession("g.x", "a.x", new Date())).rejects.toBeInstanceOf(
      EtherpadUnavailableError,
    );
    expect(calls).toEqual(["createSession"]);
  });

  it("times every call into the latency histogram", async () => {
    const metrics = createMetrics();
    const { client } = fakeClient([]);
    await instrumentEtherpad(client, metrics, noWait).createGroupPad("g.x", "n");
    expect(await metrics.registry.getSingleMetricAsString("atrium_etherpad_call_seconds")).toMatch(
      /atrium_etherpad_call_seconds_count\{method="createGroupPad",result="ok"\} 1/,
    );
  });
});
