/** The Synapse harness itself: databases, persistence across restarts, clean stops, bad ports. */
import { promises as fs } from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { Client } from "pg";
import { localPostgres } from "./harness/postgres";
import { startSynapse, type StartSynapseOptions } from "./harness/synapse";
import { clientFor, ensureUser, registerUser } from "./harness/users";

async function databaseExists(name: string): Promise<boolean> {
  const client = new Client({ ...localPostgres(), database: "postgres" });
  await client.connect();
  try {
    const res = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    return res.rowCount === 1;
  } finally {
    await client.end();
  }
}

async function healthy(url: string): Promise<boolean> {
  return fetch(`${url}/health`).then(
    (res) => res.ok,
    () => false,
  );
}

describe.each<[string, StartSynapseOptions["database"]]>([
  ["SQLite", { type: "sqlite" }],
  ["PostgreSQL", { type: "postgres" }],
])("Synapse on %s", (_name, database) => {
  it("stores a conversation and leaves nothing behind when stopped", async () => {
    const synapse = await startSynapse({ database });
    const config = await fs.readFile(path.join(synapse.dataDir, "homeserver.yaml"), "utf8");
    const dbName = /^\s+database: (atrium_synapse_\w+)$/m.exec(config)?.[1];
    try {
      const dana = clientFor(synapse.url, await registerUser(synapse, { username: "dana" }));
      const roomId = await dana.createRoom({ name: "notes" });
      await dana.sendMessage(roomId, "stored");
      const seen = await dana.waitForMessage(roomId, (e) => e.content.body === "stored");
      expect(seen.sender).toBe("@dana:localhost");
    } finally {
      await synapse.stop();
    }

    expect(await healthy(synapse.url)).toBe(false);
    await expect(fs.stat(synapse.dataDir)).rejects.toMatchObject({ code: "ENOENT" });
    if (database?.type === "postgres") {
      expect(dbName).toBeDefined();
      expect(await databaseExists(dbName as string)).toBe(false);
    }
  });
});

describe("a persistent data dir", () => {
  it("keeps users and the shared secret across a restart", async () => {
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "atrium-persist-test-"));
    try {
      const first = await startSynapse({ dataDir });
      const created = await ensureUser(first, { username: "carol", password: "carol-pass" });
      await first.stop();

      const second = await startSynapse({ dataDir });
      try {
        const again = await ensureUser(second, { username: "carol", password: "carol-pass" });
        expect(again.userId).toBe(created.userId);
        expect(again.deviceId).not.toBe(created.deviceId);
        expect(second.registrationSharedSecret).toBe(first.registrationSharedSecret);
      } finally {
        await second.stop();
      }
      expect((await fs.stat(dataDir)).isDirectory()).toBe(true);
    } finally {
      await fs.rm(dataDir, { recursive: true, force: true });
    }
  });
});

describe("a port that is taken", () => {
  it("fails with one line naming the port", async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      await expect(startSynapse({ port })).rejects.toThrow(
        `atrium: port ${port} is busy; stop what listens there or pick another port`,
      );
    } finally {
      blocker.close();
    }
  });
});

describe("a config Synapse refuses", () => {
  it("fails naming the log file and quoting Synapse's complaint", async () => {
    await expect(startSynapse({ extraConfig: { default_room_version: "nope" } })).rejects.toThrow(
      /Synapse did not start \(exited with code \d+\); log \/.*homeserver\.log, last lines:\n[^]*Unknown default_room_version: nope/,
    );
  });
});
