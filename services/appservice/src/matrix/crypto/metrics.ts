/** Prometheus metrics of the bot's end-to-end encryption (served at /metrics). */
import { Counter, Gauge, Histogram, type Registry } from "prom-client";

export function createCryptoMetrics(registry: Registry) {
  /** Where the key stream's lag is read when /metrics is scraped (keys-stream.ts sets it). */
  const lag = { seconds: () => 0 };
  return {
    lag,
    decryptFailures: new Counter({
      name: "atrium_crypto_decrypt_failures_total",
      help: "Encrypted events the bot could not decrypt, by reason (missing_key, unknown_index, malformed, unknown_algorithm, mismatched_sender, mismatched_identity, other; to_device_* for to-device messages)",
      labelNames: ["reason"] as const,
      registers: [registry],
    }),
    decrypted: new Counter({
      name: "atrium_crypto_decrypted_total",
      help: "Encrypted room events the bot decrypted",
      registers: [registry],
    }),
    decryptSeconds: new Histogram({
      name: "atrium_crypto_decrypt_seconds",
      help: "Time to decrypt one room event",
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5],
      registers: [registry],
    }),
    parked: new Gauge({
      name: "atrium_crypto_parked_events",
      help: "Encrypted events waiting for their room key",
      registers: [registry],
    }),
    parkedOutcomes: new Counter({
      name: "atrium_crypto_parked_total",
      help: "Events parked for a missing key, by outcome (parked, decrypted, expired)",
      labelNames: ["outcome"] as const,
      registers: [registry],
    }),
    keysStreamLag: new Gauge({
      name: "atrium_crypto_keys_stream_lag_seconds",
      help: "Seconds since the bot's key stream (/sync of its device) last completed a batch",
      registers: [registry],
      collect() {
        this.set(lag.seconds());
      },
    }),
    toDevice: new Counter({
      name: "atrium_crypto_to_device_events_total",
      help: "To-device events received by the bot's device, by outcome (decrypted, plain, undecryptable, invalid, flood)",
      labelNames: ["outcome"] as const,
      registers: [registry],
    }),
    encryptedSends: new Counter({
      name: "atrium_crypto_encrypted_sends_total",
      help: "Messages the bot encrypted and sent, by result (ok, error)",
      labelNames: ["result"] as const,
      registers: [registry],
    }),
    encryptSeconds: new Histogram({
      name: "atrium_crypto_encrypt_seconds",
      help: "Time to share the room key (when needed) and encrypt one message",
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
  };
}

export type CryptoMetrics = ReturnType<typeof createCryptoMetrics>;
