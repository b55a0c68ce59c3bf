import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { inspect } from "node:util";
import {
  createEtherpadClient,
  EtherpadApiError,
  EtherpadAuthError,
  EtherpadError,
  EtherpadInputError,
  EtherpadUnavailableError,
  EtherpadVersionError,
} from "./index";
import { startEtherpadStub, type EtherpadStub } from "./test-support/stub-server";

// Characters that URL encoding changes, so every encoded form of the key is checked too.
const KEY = "s3cret+key/with spaces&=0123456789abcdef";
const KEY_FORMS = [
  KEY,
  encodeURIComponent(KEY),
  encodeURIComponent(KEY).replace(/%20/g, "+"),
  "0123456789abcdef",
];
const GROUP = "g.ABCDEFGHijklmn01";

let stub: EtherpadStub;
let closedPort: number;

beforeAll(async () => {
  stub = await startEtherpadStub(KEY);
  // A port that was just free: connecting to it is refused.
  const probe = http.createServer();
  await new Promise<void>((r) => probe.listen(0, "127.0.0.1", r));
  closedPort = (probe.address() as AddressInfo).port;
  await new Promise((r) => probe.close(r));
});
afterAll(() => stub.close());

const client = (over: { url?: string; apiKey?: string; timeoutMs?: number } = {}) =>
  createEtherpadClient({ url: stub.url, apiKey: KEY, timeoutMs: 300, ...over });

/** Runs `call`, expects it to fail, and returns the error. */
async function failure(call: () => Promise<unknown>): Promise<EtherpadError> {
  try {
    await call();
  } catch (err) {
    expect(err).toBeInstanceOf(EtherpadError);
    return err as EtherpadError;
  }
  throw new Error("the call succeeded but was expected to fail");
}

type Case = [string, () => Promise<unknown>, new (...a: never[]) => EtherpadError, string, RegExp];
const cases: Case[] = [
  [
    "connection refused",
    () => client({ url: `http://127.0.0.1:${closedPort}` }).getText("p"),
    EtherpadUnavailableError,
    "unavailable",
    /Etherpad at http:\/\/127\.0\.0\.1:\d+ did not answer getText \(connect ECONNREFUSED.*may be down/,
  ],
  [
    "unknown host",
    () => client({ url: "http://no-such-host.invalid:9001" }).getText("p"),
    EtherpadUnavailableError,
    "unavailable",
    /no-such-host\.invalid.*ENOTFOUND|EAI_AGAIN/,
  ],
  [
    "hung server",
    () => {
      stub.reply("getText", { hang: true });
      return client().getText("p");
    },
    EtherpadUnavailableError,
    "unavailable",
    /no answer within 300 ms/,
  ],
  [
    "not JSON",
    () => {
      stub.reply("getText", { raw: `<html>${KEY}</html>`, status: 502 });
      return client().getText("p");
    },
    EtherpadUnavailableError,
    "unavailable",
    /not Etherpad API JSON/,
  ],
  [
    "JSON without an API code",
    () => {
      stub.reply("getText", { raw: JSON.stringify({ error: `not found ${KEY}` }), status: 404 });
      return client().getText("p");
    },
    EtherpadUnavailableError,
    "unavailable",
    /had no Etherpad API code/,
  ],
  [
    "hung /api",
    () => {
      stub.reply("api", { hang: true });
      return client().checkApiVersion();
    },
    EtherpadUnavailableError,
    "unavailable",
    /GET \/api \(no answer within 300 ms\)/,
  ],
  [
    "wrong key",
    () => client({ apiKey: "wrong" }).getText("p"),
    EtherpadAuthError,
    "auth",
    /refused the API key on getText; check etherpad.apiKey matches APIKEY.txt/,
  ],
  ...[1, 2, 3].map((code): Case => [
    `API code ${code} echoing the key`,
    () => {
      stub.reply("getText", { code, message: `bad padID ${KEY} ${encodeURIComponent(KEY)}` });
      return client().getText("p");
    },
    EtherpadApiError,
    "api",
    new RegExp(`getText failed with code ${code}: bad padID \\[redacted\\] \\[redacted\\]`),
  ]),
  [
    "old API",
    () => {
      stub.reply("api", { raw: JSON.stringify({ currentVersion: "1.2.1" }) });
      return client().checkApiVersion();
    },
    EtherpadVersionError,
    "version",
    /speaks API 1\.2\.1, older than the 1\.2\.15/,
  ],
  [
    "bad input",
    () => client().createSession(GROUP, "a.x", new Date(0)),
    EtherpadInputError,
    "input",
    /validUntil/,
  ],
];

describe.each(cases)("%s", (_name, call, type, kind, message) => {
  let err: EtherpadError;
  beforeAll(async () => {
    err = await failure(call);
  });

  it(`is ${type.name} with kind ${kind}`, () => {
    expect(err).toBeInstanceOf(type);
    expect(err.kind).toBe(kind);
    expect(err.name).toBe(type.name);
    expect(err.retryable).toBe(kind === "unavailable");
    expect(err.message).toMatch(message);
  });

  it("never shows the API key", () => {
    const views = [
      String(err),
      err.message,
      JSON.stringify(err),
      inspect(err, { depth: 10 }),
      String(err.stack),
    ];
    for (const view of views) for (const form of KEY_FORMS) expect(view).not.toContain(form);
  });
});

describe("timeouts", () => {
  it("aborts the hung request instead of leaving its socket open", async () => {
    stub.reply("getText", { hang: true });
    const before = stub.abortedCount();
    const started = Date.now();
    await expect(client({ timeoutMs: 200 }).getText("p")).rejects.toBeInstanceOf(
      EtherpadUnavailableError,
    );
    expect(Date.now() - started).toBeLessThan(2000);
    await new Promise((r) => setTimeout(r, 100));
    expect(stub.abortedCount()).toBe(before + 1);
  });

  it("serves the next call normally after a timeout", async () => {
    stub.reply("getText", { hang: true });
    const c = client({ timeoutMs: 200 });
    await expect(c.getText("p")).rejects.toBeInstanceOf(EtherpadUnavailableError);
    stub.reply("getText", { code: 0, data: { text: "back" } });
    await expect(c.getText("p")).resolves.toBe("back");
  });
});

it("rejects API codes it does not know as EtherpadApiError", async () => {
  stub.reply("getText", { code: 7, message: "odd" });
  await expect(client().getText("p")).rejects.toMatchObject({
    kind: "api",
    code: 7,
    etherpadMessage: "odd",
  });
});
