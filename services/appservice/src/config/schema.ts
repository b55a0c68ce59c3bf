/**
 * The appservice's configuration: one zod schema, from which the TypeScript type is derived.
 * Parsed once at start into a frozen, defaulted object; every problem is reported at once with
 * its dotted path (`etherpad.url: not a valid URL`).
 */
import { z } from "zod";
import { feedsConfigSchema } from "../workspace/feeds/config";
import { callsConfigSchema } from "../doors/calls/config";
import { workspacePageConfigSchema } from "../doors/pages/room/config";
import { aliasesConfigSchema } from "../workspace/aliases-config";
import { integrationManagerConfigSchema } from "../doors/im/config";
import { encryptionConfigSchema } from "../matrix/crypto/config";
import { domain, httpUrl, port } from "./primitives";

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
  aliases: aliasesConfigSchema.prefault({}),
  /** Atrium's integration manager (doors/im/config.ts); absent: none. */
  integrationManager: integrationManagerConfigSchema.optional(),
  /** RSS, Atom and JSON Feed subscriptions in rooms (`!feed`); every key has a default. */
  feeds: feedsConfigSchema.prefault({}),
  /** MatrixRTC calls (Element Call on a LiveKit SFU) beside Jitsi; off by default (doors/calls/config.ts). */
  calls: callsConfigSchema.prefault({}),
  /** The workspace page per room and sign-in with Matrix by DM (doors/pages/room/config.ts). */
  workspacePage: workspacePageConfigSchema.prefault({}),
  /** End-to-end encryption (matrix/crypto/config.ts). */
  encryption: encryptionConfigSchema.prefault({}),
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
