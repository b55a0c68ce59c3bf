/** Config inputs for unit tests: the keys every Atrium config needs, written once. */
import type { AtriumConfigInput } from "../config/schema";

/**
 * The required sections for a homeserver named `domain`, encryption off (no passphrase to
 * give); `extra` replaces whole sections or adds others.
 */
export function configInput(
  domain: string,
  extra: Partial<AtriumConfigInput> = {},
): AtriumConfigInput {
  return {
    homeserver: { url: "http://127.0.0.1:8008", domain },
    web: { publicUrl: "https://pads.example.org" },
    etherpad: { url: "http://etherpad:9001", apiKey: "0123456789abcdef0123" },
    jitsi: { domain: "meet.example.org", auth: "none" },
    encryption: { enabled: false },
    ...extra,
  };
}
