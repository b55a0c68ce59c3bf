import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { etherpadRoot } from "../test-support/etherpad-install";
import { freePort, runProgram, startProgram, tempDir, type Running } from "../test-support/process";
import { renderEtherpadSettings } from "./etherpad-settings";

describe("settings.json started by a local Etherpad on PostgreSQL", () => {
  const database = `t_etherpad_settings_${randomBytes(4).toString("hex")}`;
  const apiKey = randomBytes(16).toString("hex");
  const psql = (sql: string, db = "postgres") =>
    runProgram("psql", ["-h", "127.0.0.1", "-U", "postgres", "-d", db, "-Atc", sql]);
  let etherpad: Running;
  let base: string;

  beforeAll(async () => {
    const root = etherpadRoot();
    expect((await psql(`CREATE DATABASE ${database}`)).code).toBe(0);
    const dir = tempDir("etherpad");
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    writeFileSync(
      join(dir, "settings.json"),
      renderEtherpadSettings({
        ip: "127.0.0.1",
        port,
        // Local PostgreSQL trusts loopback, so the password is not checked here.
        database: {
          type: "postgres",
          host: "127.0.0.1",
          port: 5432,
          database,
          user: "postgres",
          password: "unused-0123456789",
        },
        adminPassword: "admin-password-0123456789",
        trustProxy: true,
      }),
    );
    writeFileSync(join(dir, "APIKEY.txt"), apiKey);
    etherpad = await startProgram(
      process.execPath,
      [
        join(root, "src", "node", "server.js"),
        "--settings",
        join(dir, "settings.json"),
        "--apikey",
        join(dir, "APIKEY.txt"),
        "--sessionkey",
        join(dir, "SESSIONKEY.txt"),
      ],
      /You can access your Etherpad instance at|Etherpad is running/,
      { timeoutMs: 60000, cwd: root },
    );
  }, 90000);

  afterAll(async () => {
    await etherpad?.stop();
    await psql(`DROP DATABASE IF EXISTS ${database}`);
  });

  const call = async (fn: string, key: string): Promise<{ code: number; message: string }> =>
    (await (await fetch(`${base}/api/1.2.15/${fn}?apikey=${key}`)).json()) as {
      code: number;
      message: string;
    };

  it("accepts the API key from APIKEY.txt", async () => {
    expect(await call("createGroup", apiKey)).toEqual(expect.objectContaining({ code: 0 }));
  });

  it("refuses any other key", async () => {
    expect(await call("createGroup", "not-the-key")).toEqual(expect.objectContaining({ code: 4 }));
  });

  it("keeps its data in the configured PostgreSQL database", async () => {
    const rows = await psql("SELECT count(*) FROM store", database);
    expect(Number(rows.stdout.trim())).toBeGreaterThan(0);
  });
});
