/** `aliases`: rooms on demand (`#pad_…`, `#meet_…`) and the limits on making them. */
import { z } from "zod";

export const aliasesConfigSchema = z.object({
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
});
