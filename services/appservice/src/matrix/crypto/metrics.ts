/** Prometheus metrics of the bot's end-to-end encryption (served at /metrics). */
import type { Registry } from "prom-client";
import { metricsOn } from "../../util/metrics";

export function createCryptoMetrics(registry: Registry) {
  /** Where the key stream's lag is read when /metrics is scraped (keys-stream.ts sets it). */
  const lag = { seconds: () => 0 };
  const m = metricsOn(registry);
  return {
    lag,
    decryptFailures: m.counter(
      "atrium_crypto_decrypt_failures_total",
      "Encrypted events the bot could not decrypt, by reason (missing_key, unknown_index, malformed, unknown_algorithm, mismatched_sender, mismatched_identity, other; to_device_* for to-device messages)",
      ["reason"],
    ),
    decrypted: m.counter(
      "atrium_crypto_decrypted_total",
      "Encrypted room events the bot decrypted",
    ),
    decryptSeconds: m.histogram(
      "atrium_crypto_decrypt_seconds",
      "Time to decrypt one room event",
      [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5],
    ),
    parked: m.gauge("atrium_crypto_parked_events", "Encrypted events waiting for their room key"),
    parkedOutcomes: m.counter(
      "atrium_crypto_parked_total",
      "Events parked for a missing key, by outcome (parked, decrypted, expired)",
      ["outcome"],
    ),
    keysStreamLag: m.gauge(
      "atrium_crypto_keys_stream_lag_seconds",
      "Seconds since the bot's key stream (/sync of its device) last completed a batch",
      () => lag.seconds(),
    ),
    toDevice: m.counter(
      "atrium_crypto_to_device_events_total",
      "To-device events received by the bot's device, by outcome (decrypted, plain, undecryptable, invalid, flood)",
      ["outcome"],
    ),
    encryptedSends: m.counter(
      "atrium_crypto_encrypted_sends_total",
      "Messages the bot encrypted and sent, by result (ok, error)",
      ["result"],
    ),
    encryptSeconds: m.histogram(
      "atrium_crypto_encrypt_seconds",
      "Time to share the room key (when needed) and encrypt one message",
      [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    ),
  };
}

export type CryptoMetrics = ReturnType<typeof createCryptoMetrics>;
