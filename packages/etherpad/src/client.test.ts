import {
  createEtherpadClient,
  EtherpadApiError,
  EtherpadAuthError,
  EtherpadClient,
  EtherpadInputError,
  EtherpadUnavailableError,
} from "./index";
import { startEtherpadStub, type EtherpadStub } from "./test-support/stub-server";

const KEY = "stub-key-0123456789abcdef0123456789";
const GROUP = "g.ABCDEFGHijklmn01";
const AUTHOR = "a.ABCDEFGHijklmn01";
const PAD = `${GROUP}$notes`;

let stub: EtherpadStub;
let client: EtherpadClient;

beforeAll(async () => {
  stub = await startEtherpadStub(KEY);
  client = createEtherpadClient({ url: stub.url, apiKey: KEY });
});
afterAll(() => stub.close());
beforeEach(() => stub.requests.splice(0));

const inAnHour = new Date(Date.now() + 3_600_000);

// [method, call, function the stub answers, Etherpad's data, expected result, expected args]
const successes: [
  string,
  (c: EtherpadClient) => Promise<unknown>,
  string,
  unknown,
  unknown,
  Record<string, string>,
][] = [
  [
    "groupForRoom",
    (c) => c.groupForRoom("!room:hs"),
    "createGroupIfNotExistsFor",
    { groupID: GROUP },
    GROUP,
    { groupMapper: "!room:hs" },
  ],
  [
    "createGroupPad",
    (c) => c.createGroupPad(GROUP, "notes", "hello"),
    "createGroupPad",
    { padID: PAD },
    PAD,
    { groupID: GROUP, padName: "notes", text: "hello" },
  ],
  ["listPads", (c) => c.listPads(GROUP), "listPads", { padIDs: [PAD] }, [PAD], { groupID: GROUP }],
  ["listAllPads", (c) => c.listAllPads(), "listAllPads", { padIDs: ["a", PAD] }, ["a", PAD], {}],
  [
    "authorForUser",
    (c) => c.authorForUser("@u:hs", "U"),
    "createAuthorIfNotExistsFor",
    { authorID: AUTHOR },
    AUTHOR,
    { authorMapper: "@u:hs", name: "U" },
  ],
  [
    "createSession",
    (c) => c.createSession(GROUP, AUTHOR, inAnHour),
    "createSession",
    { sessionID: "s.1" },
    "s.1",
    { groupID: GROUP, authorID: AUTHOR, validUntil: String(Math.floor(inAnHour.getTime() / 1000)) },
  ],
  [
    "deleteSession",
    (c) => c.deleteSession("s.1"),
    "deleteSession",
    null,
    undefined,
    { sessionID: "s.1" },
  ],
  [
    "listSessionsOfAuthor",
    (c) => c.listSessionsOfAuthor(AUTHOR),
    "listSessionsOfAuthor",
    { "s.1": { groupID: GROUP, authorID: AUTHOR, validUntil: 1_900_000_000 }, "s.2": null },
    [{ sessionId: "s.1", groupId: GROUP, validUntil: new Date(1_900_000_000_000) }],
    { authorID: AUTHOR },
  ],
  [
    "listSessionsOfAuthor (none)",
    (c) => c.listSessionsOfAuthor(AUTHOR),
    "listSessionsOfAuthor",
    null,
    [],
    { authorID: AUTHOR },
  ],
  [
    "getReadOnlyId",
    (c) => c.getReadOnlyId(PAD),
    "getReadOnlyID",
    { readOnlyID: "r.x" },
    "r.x",
    { padID: PAD },
  ],
  ["getText", (c) => c.getText(PAD), "getText", { text: "hi\n" }, "hi\n", { padID: PAD }],
  [
    "setText",
    (c) => c.setText(PAD, "a b&c"),
    "setText",
    null,
    undefined,
    { padID: PAD, text: "a b&c" },
  ],
  ["deletePad", (c) => c.deletePad(PAD), "deletePad", null, undefined, { padID: PAD }],
  [
    "getLastEdited",
    (c) => c.getLastEdited(PAD),
    "getLastEdited",
    { lastEdited: 1_700_000_000_123 },
    new Date(1_700_000_000_123),
    { padID: PAD },
  ],
  [
    "padUsersCount",
    (c) => c.padUsersCount(PAD),
    "padUsersCount",
    { padUsersCount: 2 },
    2,
    { padID: PAD },
  ],
];

describe.each(successes)("%s", (_name, call, fn, data, expected, args) => {
  it("calls the right function with the key and arguments and types the answer", async () => {
    stub.reply(fn, { code: 0, data });
    await expect(call(client)).resolves.toEqual(expected);
    expect(stub.requests).toHaveLength(1);
    expect(stub.requests[0]).toEqual({
      apiFunction: fn,
      version: "1.2.15",
      query: { apikey: KEY, ...args },
    });
  });

  it("turns an answer of the wrong shape into EtherpadApiError code -1 (or ignores it if void)", async () => {
    stub.reply(fn, { code: 0, data: { unexpected: true } });
    if (expected === undefined) await expect(call(client)).resolves.toBeUndefined();
    else await expect(call(client)).rejects.toMatchObject({ kind: "api", code: -1 });
  });

  it("reports Etherpad's code 2 as EtherpadApiError with its message", async () => {
    stub.reply(fn, { code: 2, message: "internal error" });
    await expect(call(client)).rejects.toMatchObject({
      kind: "api",
      code: 2,
      etherpadMessage: "internal error",
      apiFunction: fn,
    });
  });

  it("reports a wrong key as EtherpadAuthError", async () => {
    stub.reply(fn, { code: 0, data });
    const wrong = createEtherpadClient({ url: stub.url, apiKey: "wrong-key" });
    await expect(call(wrong)).rejects.toBeInstanceOf(EtherpadAuthError);
  });

  it("times out on a hung server with EtherpadUnavailableError", async () => {
    stub.reply(fn, { hang: true });
    const impatient = createEtherpadClient({ url: stub.url, apiKey: KEY, timeoutMs: 100 });
    await expect(call(impatient)).rejects.toBeInstanceOf(EtherpadUnavailableError);
  });
});

describe("idempotent calls", () => {
  it.each([
    [
      "createGroupPad",
      "padName does already exist",
      () => client.createGroupPad(GROUP, "notes"),
      PAD,
    ],
    ["deleteSession", "sessionID does not exist", () => client.deleteSession("s.gone"), undefined],
  ])("%s treats '%s' as success", async (fn, message, call, expected) => {
    stub.reply(fn, { code: 1, message });
    await expect(call()).resolves.toEqual(expected);
  });

  it.each([
    ["createGroupPad", () => client.createGroupPad(GROUP, "notes")],
    ["deleteSession", () => client.deleteSession("s.1")],
  ])("%s still fails on other errors", async (fn, call) => {
    stub.reply(fn, { code: 1, message: "groupID does not exist" });
    await expect(call()).rejects.toBeInstanceOf(EtherpadApiError);
  });
});

describe("checkApiVersion", () => {
  it.each([
    ["1.2.15", "1.2.15", undefined],
    ["1.3.0", "1.3.0", undefined],
    ["1.2.14", undefined, "version"],
    ["not json", undefined, "unavailable"],
  ])("server %s", async (version, expected, kind) => {
    stub.reply("api", {
      raw: version === "not json" ? "<html>" : JSON.stringify({ currentVersion: version }),
    });
    const result = client.checkApiVersion();
    if (kind === undefined) await expect(result).resolves.toBe(expected);
    else await expect(result).rejects.toMatchObject({ kind });
  });
});

describe("input checks (nothing is sent)", () => {
  const now = Date.now();
  it.each([
    [
      "validUntil in the past",
      () => client.createSession(GROUP, AUTHOR, new Date(now - 1000)),
      /not in the future/,
    ],
    [
      "validUntil more than 24 h ahead",
      () => client.createSession(GROUP, AUTHOR, new Date(now + 25 * 3_600_000)),
      /more than 24 h/,
    ],
    [
      "validUntil invalid",
      () => client.createSession(GROUP, AUTHOR, new Date("nope")),
      /not a valid Date/,
    ],
    ["bad group", () => client.listPads("group1"), /groupId: "group1"/],
    ["bad author", () => client.createSession(GROUP, "u1", inAnHour), /authorId: "u1"/],
    ["pad name with $", () => client.createGroupPad(GROUP, "a$b"), /padName/],
    ["pad name too long", () => client.createGroupPad(GROUP, "x".repeat(51)), /padName/],
    ["empty room", () => client.groupForRoom(""), /roomId/],
    ["text too long for GET", () => client.setText(PAD, "é".repeat(5000)), /too long/],
  ])("%s", async (_name, call, message) => {
    await expect(call()).rejects.toThrow(EtherpadInputError);
    await expect(call()).rejects.toThrow(message);
    expect(stub.requests).toHaveLength(0);
  });

  it("accepts a session ending just under 24 h ahead", async () => {
    stub.reply("createSession", { code: 0, data: { sessionID: "s.2" } });
    const end = new Date(Date.now() + 24 * 3_600_000 - 60_000);
    await expect(client.createSession(GROUP, AUTHOR, end)).resolves.toBe("s.2");
  });

  it.each([
    [{ url: "not a url", apiKey: KEY }, /etherpad.url/],
    [{ url: "ftp://x", apiKey: KEY }, /protocol ftp:/],
    [{ url: "http://x", apiKey: " " }, /etherpad.apiKey/],
    [{ url: "http://x", apiKey: KEY, apiVersion: "latest" }, /apiVersion/],
    [{ url: "http://x", apiKey: KEY, timeoutMs: 0 }, /timeoutMs/],
  ])("createEtherpadClient(%j) is refused", (opts, message) => {
    expect(() => createEtherpadClient(opts)).toThrow(message);
  });
});

describe("transport", () => {
  it("accepts a trailing slash and a chosen API version", async () => {
    const prefixed = createEtherpadClient({
      url: `${stub.url}/`,
      apiKey: KEY,
      apiVersion: "1.2.13",
    });
    stub.reply("getText", { code: 0, data: { text: "x" } });
    await prefixed.getText(PAD);
    expect(stub.requests[0]?.version).toBe("1.2.13");
  });

  it("keeps using http after another client chose https (the library's choice is module-wide)", async () => {
    createEtherpadClient({ url: "https://127.0.0.1:1", apiKey: KEY });
    stub.reply("getText", { code: 0, data: { text: "still http" } });
    await expect(client.getText(PAD)).resolves.toBe("still http");
  });
});
