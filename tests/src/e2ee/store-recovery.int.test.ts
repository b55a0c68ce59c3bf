/**
 * The crypto store as an operator meets it: a wrong passphrase stops the start with a message
 * that names the remedy and changes nothing; `--reset-crypto` makes a new device with new
 * cross-signing keys, says what people will see, and commands work again after it.
 */
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { parse, stringify } from "yaml";
import { APPSERVICE_MAIN } from "../harness/appservice-process";
import { useEncryptedRoom } from "./fixtures";

const w = useEncryptedRoom({ botLevel: 0 });

const configPath = () => path.join(w.stack.dataDir, "config.yaml");
const registrationPath = () => path.join(w.stack.dataDir, "registration.yaml");

function cli(...args: string[]) {
  return spawnSync(
    process.execPath,
    [APPSERVICE_MAIN, "-c", configPath(), "-f", registrationPath(), ...args],
    { encoding: "utf8", timeout: 60_000 },
  );
}

function setPassphrase(passphrase: string): string {
  const config = parse(readFileSync(configPath(), "utf8")) as {
    encryption: { storePassphrase: string };
  };
  const old = config.encryption.storePassphrase;
  config.encryption.storePassphrase = passphrase;
  writeFileSync(configPath(), stringify(config));
  return old;
}

it("refuses a wrong passphrase, naming the remedy; --reset-crypto makes a new device that works", async () => {
  const before = await w.alice.deviceKeys(w.stack.botUserId);
  await w.stack.stopAppservice();
  setPassphrase("a-different-passphrase-0123456789");
  const refused = cli();
  expect(refused.status).toBe(1);
  expect(refused.stderr).toMatch(/cannot be opened with encryption\.storePassphrase/);
  expect(refused.stderr).toMatch(/--reset-crypto/);
  // Nothing changed: the homeserver still has the same device and keys.
  expect(await w.alice.deviceKeys(w.stack.botUserId)).toEqual(before);

  const reset = cli("--reset-crypto");
  expect(reset.status).toBe(0);
  expect(reset.stdout).toMatch(/encryption was reset/);
  expect(reset.stdout).toMatch(/identity changed/);
  const after = await w.alice.deviceKeys(w.stack.botUserId);
  expect(Object.keys(after)).toHaveLength(1);
  expect(Object.keys(after)[0]).not.toBe(Object.keys(before)[0]);

  await w.stack.restart();
  await w.owner.client.setPowerLevel(w.roomId, w.stack.botUserId, 50);
  await w.alice.send(w.roomId, "!pad afterreset");
  const reply = await w.alice.waitForMessage(w.roomId, w.fromBot(/afterreset/));
  expect(reply).toMatchObject({ encrypted: true, failed: false });
  const crypto = w.alice.client.getCrypto()!;
  const status = await crypto.getDeviceVerificationStatus(
    w.stack.botUserId,
    Object.keys(after)[0]!,
  );
  expect(status?.signedByOwner).toBe(true);
}, 120_000);
