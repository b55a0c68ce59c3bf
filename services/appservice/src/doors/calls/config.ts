/**
 * The `calls` section of the appservice config: Atrium as the MatrixRTC authorisation service
 * (Element Call on a LiveKit SFU, beside Jitsi). Off by default; when on, the LiveKit keys are
 * required and every problem names its key and the fix.
 */
import { z } from "zod";

const url = (schemes: readonly string[], example: string) =>
  z
    .string()
    .url(`not a valid URL; give e.g. ${example}`)
    .refine(
      (u) => schemes.includes(new URL(u).protocol),
      `must start with ${schemes.map((s) => `${s}//`).join(" or ")}, e.g. ${example}`,
    )
    .transform((u) => u.replace(/\/+$/, ""));

export const callsConfigSchema = z
  .object({
    /**
     * Whether Atrium answers MatrixRTC token requests (`get_token` through the homeserver and the
     * legacy `/atrium/rtc/sfu/get`) and removes people from the SFU when they leave. Default
     * false: a deployment without a LiveKit SFU has Jitsi calls only.
     */
    enabled: z.boolean().default(false),
    livekit: z
      .object({
        /**
         * The SFU's websocket URL that clients connect to, as they will see it (wss://… behind
         * the proxy). Returned with every token; `get_token` requests naming another URL of
         * this server are refused (MSC4195).
         */
        url: url(["ws:", "wss:"], "wss://sfu.example.org").optional(),
        /**
         * The SFU's HTTP API (RoomService, Twirp) as the appservice reaches it, e.g.
         * http://livekit:7880 on the private network. Rooms are created and participants removed
         * through it.
         */
        apiUrl: url(["http:", "https:"], "http://livekit:7880").optional(),
        /** LiveKit API key (the `keys:` entry of the SFU's config). */
        apiKey: z.string().min(1, "must not be empty").optional(),
        /**
         * LiveKit API secret of `apiKey`; signs tokens, RoomService calls and verifies webhooks.
         * At least 32 characters (LiveKit refuses shorter secrets). Never logged.
         */
        apiSecret: z
          .string()
          .min(32, "must be at least 32 characters (LiveKit refuses shorter secrets)")
          .optional(),
      })
      .prefault({}),
    /**
     * Whether users of other servers who are joined to the room may join its call. Default true:
     * rooms can be federated, and their remote members are members too.
     */
    allowRemoteMembers: z.boolean().default(true),
    /**
     * Whether guest accounts (membership `kind: guest`) may join calls of rooms whose
     * `m.room.guest_access` is `can_join`. Default false.
     */
    allowGuests: z.boolean().default(false),
    /**
     * Lifetime of a LiveKit token, seconds. Default 600 (10 min): long enough to connect (LiveKit
     * checks the token at connect and refreshes it itself while connected), short enough that a
     * token leaked or minted just before a ban is useless soon. Range 60–3600.
     */
    tokenTtlSeconds: z.number().int().min(60).max(3600).default(600),
  })
  .superRefine((c, ctx) => {
    if (!c.enabled) return;
    const fixes = {
      url: "the SFU's websocket URL clients connect to, e.g. wss://sfu.example.org",
      apiUrl: "the SFU's HTTP API as the appservice reaches it, e.g. http://livekit:7880",
      apiKey: "the LiveKit API key (the `keys:` entry of the SFU's config)",
      apiSecret: "the LiveKit API secret of that key (at least 32 characters)",
    } as const;
    for (const key of Object.keys(fixes) as Array<keyof typeof fixes>) {
      if (c.livekit[key] === undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["livekit", key],
          message: `required when calls.enabled is true: ${fixes[key]}`,
        });
      }
    }
  });

export type CallsConfig = z.infer<typeof callsConfigSchema>;

/** A calls config that is on, with its LiveKit keys known to be present. */
export interface EnabledCallsConfig extends CallsConfig {
  enabled: true;
  livekit: { url: string; apiUrl: string; apiKey: string; apiSecret: string };
}

/** Narrows a parsed config to {@link EnabledCallsConfig}; null when calls are off. */
export function enabledCalls(c: CallsConfig): EnabledCallsConfig | null {
  const { url, apiUrl, apiKey, apiSecret } = c.livekit;
  if (!c.enabled || !url || !apiUrl || !apiKey || !apiSecret) return null;
  return c as EnabledCallsConfig;
}
