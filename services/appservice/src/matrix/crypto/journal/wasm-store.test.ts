/**
 * The journal under the real crypto SDK: the OlmMachine's IndexedDB store (Rust's
 * indexed_db_futures over fake-indexeddb) survives a restart, and a store written by an older
 * SDK is migrated by the pinned one through the journal.
 */
import { copyFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import * as sdk from "@matrix-org/matrix-sdk-crypto-wasm";
import type { DurableIndexedDb } from "./index";
import { journalPerTest, TempStore } from "./test-support/idb";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { FIXTURE } = require("./test-support/fixtures/crypto-wasm-12.cjs") as {
  FIXTURE: { userId: string; deviceId: string; storeName: string; passphrase: string };
};
const fixtures = join(__dirname, "test-support", "fixtures");

beforeAll(() => sdk.initAsync());
const temp = journalPerTest();

/** What the SDK sees as IndexedDB: the durable factory installed as the globals. */
function install(durable: DurableIndexedDb): void {
  Object.assign(globalThis, durable.globals);
}

type Who = { userId: string; deviceId: string; storeName: string; passphrase: string };

/** The OlmMachine of `who`, its store in `durable`. */
async function machineOf(durable: DurableIndexedDb, who: Who): Promise<sdk.OlmMachine> {
  install(durable);
  return sdk.OlmMachine.initialize(
    new sdk.UserId(who.userId),
    new sdk.DeviceId(who.deviceId),
    who.storeName,
    who.passphrase,
  );
}

async function identityOf(durable: DurableIndexedDb, who: Who) {
  const machine = await machineOf(durable, who);
  const keys = {
    ed25519: machine.identityKeys.ed25519.toBase64(),
    curve25519: machine.identityKeys.curve25519.toBase64(),
  };
  machine.close();
  return keys;
}

const senderRoom = (i: number) => new sdk.RoomId(`!room${i}:journal.test`);

/**
 * `count` megolm sessions of a sender (one per room) exported as room keys, and an event it
 * encrypted with the last one. The sender's machine is in memory (no store name): only the
 * bot's store is under test.
 */
async function megolmSessions(count: number) {
  const sender = await sdk.OlmMachine.initialize(
    new sdk.UserId("@alice:journal.test"),
    new sdk.DeviceId("ALICE"),
  );
  for (let i = 0; i < count; i += 1) {
    await sender.shareRoomKey(senderRoom(i), [], new sdk.EncryptionSettings());
  }
  const room = senderRoom(count - 1);
  const content = await sender.encryptRoomEvent(
    room,
    "m.room.message",
    JSON.stringify({ msgtype: "m.text", body: "!pad notes" }),
  );
  const roomKeys = await sender.exportRoomKeys(() => true);
  sender.close();
  return { roomKeys, room: room.toString(), content };
}

async function decryptedBody(
  machine: sdk.OlmMachine,
  sent: { room: string; content: string },
): Promise<unknown> {
  const event = {
    type: "m.room.encrypted",
    event_id: "$event:journal.test",
    sender: "@alice:journal.test",
    origin_server_ts: 1,
    room_id: sent.room,
    content: JSON.parse(sent.content) as unknown,
  };
  const decrypted = await machine.decryptRoomEvent(
    JSON.stringify(event),
    new sdk.RoomId(sent.room),
    new sdk.DecryptionSettings(sdk.TrustRequirement.Untrusted),
  );
  return (JSON.parse(decrypted.event) as { content: { body?: unknown } }).content.body;
}

async function versions(durable: DurableIndexedDb): Promise<Record<string, number>> {
  const list = (await durable.indexedDB.databases()) as { name: string; version: number }[];
  return Object.fromEntries(list.map((d) => [d.name, d.version]));
}

describe("durable IndexedDB journal under matrix-sdk-crypto-wasm", () => {
  const bot = {
    userId: "@atrium:journal.test",
    deviceId: "JOURNALDEV",
    storeName: "atrium-crypto",
    passphrase: "a passphrase from the config",
  };

  it("keeps an OlmMachine's identity across a restart", async () => {
    const first = await temp.open();
    const before = await identityOf(first, bot);
    await first.close();

    const second = await temp.open();
    expect(second.stats.replayedRecords).toBeGreaterThan(0);
    expect(await identityOf(second, bot)).toEqual(before);
  });

  it("keeps megolm sessions: an event encrypted before a restart decrypts after it", async () => {
    const sent = await megolmSessions(1);
    const first = await temp.open();
    const before = await machineOf(first, bot);
    expect(
      (await before.importExportedRoomKeys(sent.roomKeys, () => undefined)).importedCount,
    ).toBe(1);
    before.close();
    await first.close();

    const after = await machineOf(await temp.open(), bot);
    expect(await decryptedBody(after, sent)).toBe("!pad notes");
    after.close();
  });

  it("replays a store of 10,000 megolm sessions", async () => {
    const sent = await megolmSessions(10_000);
    const first = await temp.open();
    const before = await machineOf(first, bot);
    await before.importExportedRoomKeys(sent.roomKeys, () => undefined);
    before.close();
    await first.close();

    const second = await temp.open();
    const started = performance.now();
    const after = await machineOf(second, bot);
    const initMs = Math.round(performance.now() - started);
    console.log(
      `journal: ${second.stats.replayedRecords} records replayed in ${second.stats.openMs} ms, ` +
        `OlmMachine ready ${initMs} ms later`,
    );
    expect(second.stats.replayedRecords).toBeGreaterThanOrEqual(10_000);
    expect(await decryptedBody(after, sent)).toBe("!pad notes");
    after.close();
  });

  it("starts a new identity from an empty store (the identity above came from the file)", async () => {
    const first = await temp.open();
    const one = await identityOf(first, bot);
    const other = new TempStore();
    try {
      expect(await identityOf(await other.open(), bot)).not.toEqual(one);
    } finally {
      await other.dispose();
    }
  });

  it("migrates a store written by crypto-wasm 12.1.0 and keeps its identity", async () => {
    const expected = JSON.parse(readFileSync(join(fixtures, "crypto-wasm-12.json"), "utf8")) as {
      ed25519: string;
      curve25519: string;
      databases: { name: string; version: number }[];
    };
    copyFileSync(join(fixtures, "crypto-wasm-12.sqlite"), temp.file);
    const old = Object.fromEntries(expected.databases.map((d) => [d.name, d.version]));

    const first = await temp.open();
    expect(await versions(first)).toEqual(old);
    const keys = await identityOf(first, FIXTURE);
    expect(keys).toEqual({ ed25519: expected.ed25519, curve25519: expected.curve25519 });
    const migrated = await versions(first);
    const store = `${FIXTURE.storeName}::matrix-sdk-crypto`;
    expect(migrated[store]).toBeGreaterThan(old[store] ?? Infinity);
    await first.close();

    // The migration itself was journaled: the next start replays the new schema.
    const second = await temp.open();
    expect(await versions(second)).toEqual(migrated);
    expect(await identityOf(second, FIXTURE)).toEqual(keys);
  });

  it("refuses the store with the wrong passphrase, and the store stays usable", async () => {
    const first = await temp.open();
    const keys = await identityOf(first, bot);
    await first.close();

    const second = await temp.open();
    await expect(identityOf(second, { ...bot, passphrase: "wrong" })).rejects.toBeDefined();
    await second.close();
    expect(await identityOf(await temp.open(), bot)).toEqual(keys);
  });
});
