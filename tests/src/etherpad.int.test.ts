/**
 * `@atrium/etherpad` against a real Etherpad 1.8.14 (installed from npm on first use, which takes
 * a few minutes), on DirtyDB and on PostgreSQL.
 */
import {
  createEtherpadClient,
  EtherpadApiError,
  EtherpadAuthError,
  type EtherpadClient,
} from "@atrium/etherpad";
import { promises as fs } from "node:fs";
import { Client } from "pg";
import { ensureEtherpadInstalled } from "./harness/install-etherpad";
import { startEtherpad, type EtherpadHandle, type StartEtherpadOptions } from "./harness/etherpad";

jest.setTimeout(60_000);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const databases: [string, StartEtherpadOptions["db"]][] = [
  ["DirtyDB", { type: "dirty" }],
  ["PostgreSQL", { type: "postgres" }],
];

describe.each(databases)("Etherpad on %s", (_name, db) => {
  let etherpad: EtherpadHandle;
  let client: EtherpadClient;
  const room = `!room${Date.now()}:localhost`;

  beforeAll(async () => {
    await ensureEtherpadInstalled();
    etherpad = await startEtherpad({ db });
    client = createEtherpadClient({ url: etherpad.url, apiKey: etherpad.apiKey });
  }, 10 * 60_000);

  afterAll(async () => {
    await etherpad?.stop();
  }, 30_000);

  it("speaks API 1.2.15, the latest of Etherpad 1.8.14", async () => {
    await expect(client.checkApiVersion()).resolves.toBe("1.2.15");
  });

  it("runs a pad's life: group, pad, text, read-only id, sessions, delete", async () => {
    const group = await client.groupForRoom(room);
    expect(group).toMatch(/^g\.[a-zA-Z0-9]{16}$/);
    await expect(client.groupForRoom(room)).resolves.toBe(group);

    const padId = await client.createGroupPad(group, "notes", "first line");
    expect(padId).toBe(`${group}$notes`);
    await expect(client.createGroupPad(group, "notes")).resolves.toBe(padId);
    await expect(client.getText(padId)).resolves.toBe("first line\n");

    const text = "Agenda:\n- pads & calls\n- 100% café ✓";
    await client.setText(padId, text);
    await expect(client.getText(padId)).resolves.toBe(`${text}\n`);
    await expect(client.listPads(group)).resolves.toContain(padId);
    await expect(client.listAllPads()).resolves.toContain(padId);
    await expect(client.getReadOnlyId(padId)).resolves.toMatch(/^r\./);
    await expect(client.padUsersCount(padId)).resolves.toBe(0);
    const edited = await client.getLastEdited(padId);
    expect(Math.abs(Date.now() - edited.getTime())).toBeLessThan(60_000);

    const author = await client.authorForUser("@alice:localhost", "Alice");
    expect(author).toMatch(/^a\./);
    await expect(client.authorForUser("@alice:localhost", "Alice")).resolves.toBe(author);
    const until = new Date(Date.now() + 3_600_000);
    const session = await client.createSession(group, author, until);
    expect(session).toMatch(/^s\./);
    const sessions = await client.listSessionsOfAuthor(author);
    expect(sessions).toContainEqual({
      sessionId: session,
      groupId: group,
      validUntil: new Date(Math.floor(until.getTime() / 1000) * 1000),
    });
    await client.deleteSession(session);
    await client.deleteSession(session); // idempotent
    expect((await client.listSessionsOfAuthor(author)).map((s) => s.sessionId)).not.toContain(
      session,
    );

    await client.deletePad(padId);
    await expect(client.getText(padId)).rejects.toBeInstanceOf(EtherpadApiError);
    await expect(client.getText(padId)).rejects.toMatchObject({
      code: 1,
      etherpadMessage: "padID does not exist",
    });
    await expect(client.listPads(group)).resolves.not.toContain(padId);
  });

  it("keeps its data in the chosen database", async () => {
    const padId = await client.createGroupPad(await client.groupForRoom(room), "stored", "kept");
    await sleep(500); // ueberdb2 writes to the database in the background
    if (etherpad.db.type === "dirty") {
      expect(await fs.readFile(etherpad.db.filename, "utf8")).toContain(`"pad:${padId}"`);
    } else {
      const { host, port, user, database } = etherpad.db;
      const pg = new Client({ host, port, user, database });
      await pg.connect();
      try {
        const rows = await pg.query("SELECT key FROM store WHERE key = $1", [`pad:${padId}`]);
        expect(rows.rowCount).toBe(1);
      } finally {
        await pg.end();
      }
    }
  });

  it("refuses a wrong API key with EtherpadAuthError", async () => {
    const wrong = createEtherpadClient({ url: etherpad.url, apiKey: "not-the-key" });
    await expect(wrong.listAllPads()).rejects.toBeInstanceOf(EtherpadAuthError);
  });
});
