import { z } from "zod";

/**
 * End-to-end encryption: the bot has a device of its own, reads commands in encrypted rooms
 * and encrypts everything it says there (E2EE.md, README "Encryption").
 */
export const encryptionConfigSchema = z.object({
  /**
   * Default true. Off: the bot has no device, cannot read encrypted rooms and says so there
   * once (its widgets and the integration manager still work).
   */
  enabled: z.boolean().default(true),
  /**
   * The secret that encrypts the crypto store at rest (the Olm account and room keys).
   * Required when enabled; never a default (infra generates one). Losing it means a reset
   * (`atrium-appservice --reset-crypto`).
   */
  storePassphrase: z
    .string()
    .min(16, "must be a secret of at least 16 characters (e.g. `openssl rand -hex 32`)")
    .optional(),
  /**
   * The crypto store: one SQLite file (the journal of the bot's keys, its device id and its
   * key stream position). Back it up with the database; one process writes it. Default
   * `./e2ee/crypto.sqlite`.
   */
  storePath: z.string().min(1).default("./e2ee/crypto.sqlite"),
  /**
   * Seconds the bot waits for the room key of a message it cannot read yet before it says,
   * encrypted, that it could not read it (once). Default 120.
   */
  undecryptableNoticeSeconds: z.number().int().min(1).max(86400).default(120),
});
