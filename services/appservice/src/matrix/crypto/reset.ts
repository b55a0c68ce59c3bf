/**
 * `atrium-appservice --reset-crypto`: when the crypto store is lost, its passphrase is lost, or
 * it belongs to another device. The old store is moved aside (never deleted), the old device is
 * removed from the homeserver, and the next start makes a new device and new cross-signing keys.
 */
import { existsSync, renameSync } from "node:fs";
import type { Logger } from "pino";
import { DeviceHttp } from "./device-http";
import { openDurableIndexedDb } from "./journal";
import { MetaStore } from "./meta";

export interface ResetResult {
  /** Where the old store went, or null when there was none. */
  movedTo: string | null;
  oldDeviceId: string | null;
  /** Whether the homeserver removed the old device. */
  oldDeviceRemoved: boolean;
}

/** Moves the store at `storePath` aside and removes its device from the homeserver. */
export async function resetCryptoStore(o: {
  storePath: string;
  botUserId: string;
  homeserverUrl: string;
  asToken: string;
  log: Logger;
}): Promise<ResetResult> {
  if (!existsSync(o.storePath))
    return { movedTo: null, oldDeviceId: null, oldDeviceRemoved: false };
  let oldDeviceId: string | null = null;
  try {
    // The device id is Atrium's own record, readable without the passphrase.
    const durable = await openDurableIndexedDb({ file: o.storePath });
    const meta = await MetaStore.open(durable.indexedDB);
    oldDeviceId = (await meta.get("deviceId")) ?? null;
    meta.close();
    await durable.close();
  } catch (error: unknown) {
    o.log.warn({ err: error }, "the old crypto store could not be read; its device stays listed");
  }
  const movedTo = `${o.storePath}.before-reset-${new Date().toISOString().replace(/[:.]/g, "-")}`;
  renameSync(o.storePath, movedTo);
  for (const suffix of ["-wal", "-shm"]) {
    if (existsSync(o.storePath + suffix)) renameSync(o.storePath + suffix, movedTo + suffix);
  }
  let oldDeviceRemoved = false;
  if (oldDeviceId) {
    const http = new DeviceHttp(o.homeserverUrl, o.asToken, o.botUserId, null);
    try {
      await http.request(
        "DELETE",
        `/_matrix/client/v3/devices/${encodeURIComponent(oldDeviceId)}`,
        {},
        { withoutDevice: true },
      );
      oldDeviceRemoved = true;
    } catch (error: unknown) {
      o.log.warn({ err: error, device_id: oldDeviceId }, "the old device could not be removed");
    }
  }
  return { movedTo, oldDeviceId, oldDeviceRemoved };
}

/** What the operator reads after a reset: what changed and what people will see. */
export function resetReport(r: ResetResult, botUserId: string, newDeviceId: string): string {
  return [
    "The bot's end-to-end encryption was reset.",
    `  new device:  ${newDeviceId}, with new cross-signing keys (signed by the bot)`,
    r.oldDeviceId
      ? `  old device:  ${r.oldDeviceId} (${r.oldDeviceRemoved ? "removed from the homeserver" : "could not be removed: delete it with the Synapse admin API"})`
      : "  old device:  none recorded",
    r.movedTo ? `  old store:   kept at ${r.movedTo}` : "  old store:   there was none",
    "What people will see:",
    `  - Element tells the people who had verified ${botUserId} that its identity changed; they`,
    "    accept the new one (or verify it again). In rooms with the bot, nothing else changes.",
    "  - Messages sent before the reset that the bot had not read yet stay unreadable to it:",
    "    a command among them has to be sent again.",
    "  - Everything sent from now on works as before; replies stay encrypted.",
    "Start Atrium as usual now.",
  ].join("\n");
}
