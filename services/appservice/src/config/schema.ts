/**
 * The appservice's configuration: one zod schema, from which the TypeScript type is derived.
 * Parsed once at start into a frozen, defaulted object; every problem is reported at once with
 * its dotted path (`etherpad.url: not a valid URL`).
 */
import { z } from "zod";
import { feedsConfigSchema } from "../workspace/feeds/config";
import { callsConfigSchema } from "../doors/calls/config";
import { workspacePageConfigSchema } from "../doors/pages/room/config";

const port = z.number().int().min(1).max(65535);
const httpUrl = z
  .string()
  .url("not a valid URL")
  .refine((u) => /^https?:\/\//i.test(u), "must start with http:// or https://")
  .transform((u) => u.replace(/\/+$/, ""));
const domain = z
  .string()
  .min(1)
  .regex(/^[A-Za-z0-9.-]+(:\d+)?$/, "must be a bare server name such as example.org (no scheme)");

export const configSchema = z.object({
  /** The homeserver Atrium serves. */
  homeserver: z.object({
    /** Client-server API base URL the appservice calls (e.g. http://synapse:8008). */
    url: httpUrl,
    /** The server name (the part after ':' in user ids), e.g. example.org. */
    domain,
    /**
     * Federation base URL of this homeserver, used to verify OpenID tokens
     * (`/_matrix/federation/v1/openid/userinfo`). Default: `url`.
     */
    federationUrl: httpUrl.optional(),
  }),
  /** The appservice API listener (Synapse → Atrium). Keep it on a private network. */
  appservice: z
    .object({
      port: port.default(9000),
      bindAddress: z.string().default("127.0.0.1"),
      /**
       * Rooms whose events are processed at the same time (each room's own events always in
       * order). Default 16: busy rooms do not wait for each other, while Synapse, which
       * persists events one at a time, stays the pace-setter.
       */
      roomConcurrency: z.number().int().min(1).max(256).default(16),
    })
    .prefault({}),
  /** The public HTTP listener: widget pages, OpenID exchange, Jitsi user verification. */
  web: z.object({
    port: port.default(9001),
    bindAddress: z.string().default("127.0.0.1"),
    /** The URL browsers reach this listener at (widget URLs are built from it). */
    publicUrl: httpUrl,
  }),
  /** Where Atrium keeps its widgets, command ledger and room settings. */
  database: z
    .discriminatedUnion("engine", [
      z.object({
        engine: z.literal("sqlite"),
        /** SQLite file; created if missing. Default: ./atrium.db */
        filename: z.string().min(1).default("./atrium.db"),
      }),
      z.object({
        engine: z.literal("postgres"),
        /** e.g. postgres://atrium:secret@postgres:5432/atrium */
        connectionString: z.string().regex(/^postgres(ql)?:\/\//, "must be a postgres:// URL"),
      }),
    ])
    .default({ engine: "sqlite", filename: "./atrium.db" }),
  etherpad: z.object({
    /** Etherpad's base URL for API calls (its /api must not be public). */
    url: httpUrl,
    /** Where browsers open pads. Default: `url`. Must share the cookie host with web.publicUrl. */
    publicUrl: httpUrl.optional(),
    /** Contents of Etherpad's APIKEY.txt. */
    apiKey: z.string().min(16, "must be Etherpad's API key (APIKEY.txt), at least 16 characters"),
    /** Timeout of each Etherpad API call, ms. Default 5000. */
    timeoutMs: z.number().int().min(100).max(60000).default(5000),
    /** Lifetime of a pad session opened for a member, seconds. Default 12 h (max 24 h). */
    sessionSeconds: z.number().int().min(60).max(86400).default(43200),
    /**
     * What happens to a pad whose widget a user removed: `keep` archives it (content kept,
     * default); `delete` deletes it from Etherpad.
     */
    onWidgetRemoved: z.enum(["keep", "delete"]).default("keep"),
  }),
  jitsi: z
    .object({
      /** The Jitsi Meet domain, e.g. meet.example.org. */
      domain,
      /**
       * How Jitsi authenticates: `matrix` (prosody asks Atrium's /verify endpoints; Element's
       * openidtoken-jwt flow), `jwt` (Atrium mints room-scoped JWTs), or `none`.
       */
      auth: z.enum(["matrix", "jwt", "none"]).default("matrix"),
      /** Bearer token prosody sends to /verify/* (MATRIX_UVS_AUTH_TOKEN). Required for `matrix`. */
      verifyToken: z.string().min(16).optional(),
      /** JWT app id (JWT_APP_ID) and secret (JWT_APP_SECRET, >= 32 bytes). Required for `jwt`. */
      jwtAppId: z.string().min(1).optional(),
      jwtSecret: z.string().min(32).optional(),
      /** Origin of Element Web whose jitsi.html wrapper hosts calls. Default: web.publicUrl. */
      elementUrl: httpUrl.optional(),
      /**
       * Deployment default for the seed's rule "from the 3rd person on, Jitsi is used": when on,
       * the conference widget arrives when joined human members reach three. Rooms can
       * override it with `!autoconference on|off`. Default off.
       */
      autoConference: z.boolean().default(false),
    })
    // On the jitsi object itself, so these are reported together with every other problem.
    .superRefine((j, ctx) => {
      if (j.auth === "matrix" && !j.verifyToken) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: ["verifyToken"],
          message: "required when jitsi.auth is matrix (the MATRIX_UVS_AUTH_TOKEN prosody sends)",
        });
      }
      if (j.auth === "jwt") {
        for (const key of ["jwtAppId", "jwtSecret"] as const) {
          if (!j[key]) {
            ctx.addIssue({
              code: z.ZodIssueCode.custom,
              path: [key],
              message: "required when jitsi.auth is jwt",
            });
          }
        }
      }
    }),
  bot: z
    .object({
      localpart: z
        .string()
        .regex(/^[a-z0-9._=\-/]+$/, "must be a valid Matrix localpart")
        .default("atrium"),
      displayName: z.string().min(1).max(64).default("Atrium"),
    })
    .prefault({}),
  permissions: z
    .object({
      /** Servers whose users may invite the bot. Default: the homeserver's own domain. */
      allowedServers: z.array(domain).optional(),
      /** Members below this power level get the read-only pad. Default 0 (everyone edits). */
      padEditPowerLevel: z.number().int().min(0).max(100).default(0),
      /**
       * Accept server discovery (`.well-known/matrix/server`, SRV) of an allowed foreign server
       * that leads to a loopback, private or link-local address. Default false: a foreign
       * site could otherwise point Atrium's OpenID checks into its own network. Turn it on only
       * for a federation that lives on a private network.
       */
      allowPrivateFederation: z.boolean().optional(),
    })
    .prefault({}),
  aliases: z
    .object({
      padPrefix: z
        .string()
        .regex(/^[a-z0-9._=-]+$/)
        .default("pad_"),
      meetPrefix: z
        .string()
        .regex(/^[a-z0-9._=-]+$/)
        .default("meet_"),
      /** Join rule of rooms created on demand. */
      joinRule: z.enum(["public", "invite", "knock"]).default("public"),
      /**
       * Rooms on demand one local user may set up (by being the first to join) per hour.
       * Default 5. Over it, the room stays bare and the bot says why.
       */
      roomsPerUserPerHour: z.number().int().min(0).max(1000).default(5),
      /**
       * Rooms alias queries may create per hour that nobody has joined yet. The homeserver's
       * alias query does not say who asked (a joiner, a lookup, another server), so this caps
       * what lookups alone can create. Default 30.
       */
      unclaimedRoomsPerHour: z.number().int().min(0).max(10000).default(30),
      /**
       * Strays: rooms alias queries made that no local user joined within `claimWindowSeconds`
       * (lookups, other servers' directory queries; the homeserver's query names nobody, so
       * they are told apart only afterwards). With this many strays in the last hour, alias
       * queries are refused until the hour has passed. Default 10.
       */
      strayRoomsPerHour: z.number().int().min(0).max(10000).default(10),
      /** How soon after the alias query a local join must come to claim the room. Default 300. */
      claimWindowSeconds: z.number().int().min(1).max(86400).default(300),
      /**
       * A room an alias query made that nobody local has joined is removed after this: the bot
       * deletes the alias (so it can be asked for again) and leaves. Checked at start and hourly.
       * Default 86400 (24 h).
       */
      unclaimedRoomTtlSeconds: z.number().int().min(1).default(86_400),
      /**
       * A user made moderator (power 50) of every room on demand, besides its first joiner,
       * e.g. @admin:example.org. Default none.
       */
      moderator: z
        .string()
        .regex(/^@[^:\s]+:\S+$/, "must be a Matrix user id")
        .optional(),
    })
    .prefault({}),
  /**
   * Atrium's integration manager: what Element opens from Room info → Extensions → "Add
   * extensions". Its own listener and origin (`publicUrl`), distinct from `web.publicUrl`:
   * Element accepts ScalarMessaging requests from any frame on the IM's origin, so widget
   * pages must not share it. Absent: no integration manager.
   */
  integrationManager: z
    .object({
      port: port.default(9002),
      bindAddress: z.string().default("127.0.0.1"),
      /** The origin browsers reach the IM at, e.g. https://im.example.org (no path). */
      publicUrl: httpUrl,
      /**
       * Hours an IM token (scalar_token) stays valid. Default 8: the token comes from a
       * one-hour OpenID token, and Element registers again, silently, when it expires. A token
       * also ends at logout and once its user shares no room with the bot (issue 22 item 9).
       */
      tokenLifetimeHours: z
        .number()
        .int()
        .min(1)
        .max(24 * 365)
        .default(8),
      /**
       * Terms people accept before using the IM (MSC2140), e.g.
       * `[{id: privacy, version: "1.0", name: Privacy notice, url: https://…/privacy.html}]`.
       * None by default.
       */
      policies: z
        .array(
          z.object({
            id: z.string().regex(/^[A-Za-z0-9_.-]+$/, "letters, digits, _ . - only"),
            version: z.string().min(1),
            name: z.string().min(1),
            url: httpUrl,
            /** Language of `name` and `url`. Default en. */
            lang: z.string().default("en"),
          }),
        )
        .default([]),
    })
    .optional(),
  /** RSS, Atom and JSON Feed subscriptions in rooms (`!feed`); every key has a default. */
  feeds: feedsConfigSchema.prefault({}),
  /** MatrixRTC calls (Element Call on a LiveKit SFU) beside Jitsi; off by default (doors/calls/config.ts). */
  calls: callsConfigSchema.prefault({}),
  /** The workspace page per room and sign-in with Matrix by DM (doors/pages/room/config.ts). */
  workspacePage: workspacePageConfigSchema.prefault({}),
  /**
   * End-to-end encryption: the bot has a device of its own, reads commands in encrypted rooms
   * and encrypts everything it says there (E2EE.md, README "Encryption").
   */
  encryption: z
    .object({
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
    })
    .prefault({}),
  logging: z
    .object({
      level: z.enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"]).default("info"),
    })
    .prefault({}),
});

/** The schema with the checks that span sections. */
export const checkedConfigSchema = configSchema.superRefine((c, ctx) => {
  if (c.encryption.enabled && !c.encryption.storePassphrase) {
    ctx.addIssue({
      code: "custom",
      path: ["encryption", "storePassphrase"],
      message:
        "required when encryption.enabled is true (a secret of your own, e.g. `openssl rand -hex 32`; keep it with your backups), or set encryption.enabled: false",
    });
  }
  const im = c.integrationManager;
  if (im && new URL(im.publicUrl).origin === new URL(c.web.publicUrl).origin) {
    ctx.addIssue({
      code: "custom",
      path: ["integrationManager", "publicUrl"],
      message:
        "must be another origin than web.publicUrl (Element obeys any frame on the IM's origin, so widget pages must not share it): use its own host name or port",
    });
  }
  if (im && new URL(im.publicUrl).pathname !== "/") {
    ctx.addIssue({
      code: "custom",
      path: ["integrationManager", "publicUrl"],
      message: "must be an origin without a path, e.g. https://im.example.org",
    });
  }
});

export type AtriumConfig = z.infer<typeof configSchema>;
export type AtriumConfigInput = z.input<typeof configSchema>;
