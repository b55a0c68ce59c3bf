/**
 * Opens the bot's crypto: the durable store, its device (created once with MSC4190), the
 * OlmMachine, its keys uploaded and cross-signing set up once. A store that cannot be opened
 * with the configured passphrase, or that belongs to another device, stops the start with a
 * clear message; nothing is changed then.
 */
import { randomBytes } from "node:crypto";
import * as sdk from "@matrix-org/matrix-sdk-crypto-wasm";
import type { Logger } from "pino";
import { StartupError } from "../../registration";
import { DeviceHttp, HomeserverError } from "./device-http";
import { openDurableIndexedDb, type DurableIndexedDb } from "./journal";
import { MetaStore } from "./meta";
import { OutgoingRequests } from "./outgoing";

/** The IndexedDB database name of the SDK's store inside the file. */
export const STORE_NAME = "atrium-crypto";

/** What the start of the crypto hands on. */
export interface OpenedDevice {
  machine: sdk.OlmMachine;
  http: DeviceHttp;
  outgoing: OutgoingRequests;
  meta: MetaStore;
  durable: DurableIndexedDb;
  deviceId: string;
  /** True when this start made the device (first start, or after a reset). */
  created: boolean;
}

export interface OpenDeviceOptions {
  storePath: string;
  passphrase: string;
  botUserId: string;
  displayName: string;
  homeserverUrl: string;
  asToken: string;
  log: Logger;
  /** Make new cross-signing keys even when some exist (after a reset). */
  resetCrossSigning?: boolean;
}

let wasmReady: Promise<void> | undefined;

function newDeviceId(): string {
  const letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  return "ATRIUM" + [...randomBytes(8)].map((b) => letters[b % 26]).join("");
}

/** The remedy every store problem ends with. */
export function storeRemedy(storePath: string): string {
  return (
    `Restore the backup of ${storePath} that goes with encryption.storePassphrase, or reset the bot's ` +
    "encryption with `atrium-appservice -c config.yaml -f registration.yaml --reset-crypto` " +
    "(a new device for the bot; people see that its identity changed)."
  );
}

export async function openDevice(o: OpenDeviceOptions): Promise<OpenedDevice> {
  wasmReady ??= sdk.initAsync();
  await wasmReady;
  const durable = await openDurableIndexedDb({ file: o.storePath, logger: o.log });
  try {
    // The SDK looks IndexedDB up as a global (as in a browser).
    Object.assign(globalThis, durable.globals);
    const meta = await MetaStore.open(durable.indexedDB);
    const stored = { userId: await meta.get("userId"), deviceId: await meta.get("deviceId") };
    if (stored.userId && stored.userId !== o.botUserId) {
      throw new StartupError(
        `The crypto store ${o.storePath} belongs to ${stored.userId} (device ${stored.deviceId ?? "?"}), not to the bot ${o.botUserId}. ${storeRemedy(o.storePath)}`,
      );
    }
    const deviceId = stored.deviceId ?? newDeviceId();
    const created = !stored.deviceId;
    // Recorded before the homeserver hears of it: a crash now leaves a known device, not an orphan.
    if (created) await meta.set({ userId: o.botUserId, deviceId, crossSigned: false });
    const http = new DeviceHttp(o.homeserverUrl, o.asToken, o.botUserId, deviceId);
    await ensureDevice(http, deviceId, o.displayName);
    const machine = await initialize(o, deviceId);
    const outgoing = new OutgoingRequests(machine, http, o.log);
    await outgoing.flush();
    await checkServerKeys(http, machine, o.storePath);
    if (o.resetCrossSigning || !(await meta.get("crossSigned"))) {
      await bootstrapCrossSigning(machine, outgoing, http, o.resetCrossSigning ?? false);
      await meta.set({ crossSigned: true });
      o.log.info({ device_id: deviceId }, "cross-signing set up: the bot's device is signed");
    }
    return { machine, http, outgoing, meta, durable, deviceId, created };
  } catch (error: unknown) {
    await durable.close();
    throw error;
  }
}

/** `PUT /devices/{id}` as the appservice (MSC4190): 201 when made, 200 when it exists. */
async function ensureDevice(http: DeviceHttp, deviceId: string, displayName: string) {
  try {
    await http.request(
      "PUT",
      `/_matrix/client/v3/devices/${encodeURIComponent(deviceId)}`,
      { display_name: displayName },
      { withoutDevice: true },
    );
  } catch (error: unknown) {
    if (error instanceof HomeserverError && error.status < 500 && error.status !== 429) {
      throw new StartupError(
        `The homeserver refused to create the bot's device ${deviceId} (${error.message}). ` +
          "The registration file must have `io.element.msc4190: true` (regenerate it with " +
          "`atrium-appservice -r`, give it to Synapse and restart Synapse), or set encryption.enabled: false.",
      );
    }
    throw error;
  }
}

async function initialize(o: OpenDeviceOptions, deviceId: string): Promise<sdk.OlmMachine> {
  try {
    return await sdk.OlmMachine.initialize(
      new sdk.UserId(o.botUserId),
      new sdk.DeviceId(deviceId),
      STORE_NAME,
      o.passphrase,
    );
  } catch (error: unknown) {
    const message = error instanceof Error ? error.message : String(error);
    if (/decrypt|unpickl|cipher|mac/i.test(message)) {
      throw new StartupError(
        `The crypto store ${o.storePath} cannot be opened with encryption.storePassphrase (${message}): the passphrase is wrong or the file is from another deployment. ${storeRemedy(o.storePath)}`,
      );
    }
    if (/doesn't match the account/i.test(message)) {
      throw new StartupError(
        `The crypto store ${o.storePath} belongs to another device (${message}). ${storeRemedy(o.storePath)}`,
      );
    }
    throw error;
  }
}

/** The homeserver's keys of our device must be the store's: else the store is another device's. */
async function checkServerKeys(http: DeviceHttp, machine: sdk.OlmMachine, storePath: string) {
  const answer = await http.request<{
    device_keys?: Record<string, Record<string, { keys?: Record<string, string> }>>;
  }>("POST", "/_matrix/client/v3/keys/query", { device_keys: { [http.userId]: [] } });
  const device = answer.device_keys?.[http.userId]?.[machine.deviceId.toString()];
  const published = device?.keys?.[`ed25519:${machine.deviceId.toString()}`];
  const ours = machine.identityKeys.ed25519.toBase64();
  if (published && published !== ours) {
    throw new StartupError(
      `The crypto store ${storePath} belongs to another device: the homeserver has other keys for ${machine.deviceId.toString()} (published ${published.slice(0, 8)}…, store ${ours.slice(0, 8)}…). ${storeRemedy(storePath)}`,
    );
  }
}

/**
 * Cross-signing keys made and uploaded, the device signed: Element then shows the bot's device
 * as signed by its owner. An appservice is asked no interactive auth for the upload.
 */
async function bootstrapCrossSigning(
  machine: sdk.OlmMachine,
  outgoing: OutgoingRequests,
  http: DeviceHttp,
  reset: boolean,
): Promise<void> {
  const status = await machine.crossSigningStatus();
  if (!reset && status.hasMaster && status.hasSelfSigning && status.hasUserSigning) return;
  const requests = await machine.bootstrapCrossSigning(true);
  if (requests.uploadKeysRequest) await outgoing.sendAndMark(requests.uploadKeysRequest);
  await http.request(
    "POST",
    "/_matrix/client/v3/keys/device_signing/upload",
    requests.uploadSigningKeysRequest.body,
  );
  // This request has no id: it is not marked as sent (E2EE.md).
  await http.request(
    "POST",
    "/_matrix/client/v3/keys/signatures/upload",
    requests.uploadSignaturesRequest.body,
  );
}
