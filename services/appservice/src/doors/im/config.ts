import { z } from "zod";
import { httpUrl, port } from "../../config/primitives";

/**
 * Atrium's integration manager: what Element opens from Room info → Extensions → "Add
 * extensions". Its own listener and origin (`publicUrl`), distinct from `web.publicUrl`:
 * Element accepts ScalarMessaging requests from any frame on the IM's origin, so widget
 * pages must not share it. Absent: no integration manager.
 */
export const integrationManagerConfigSchema = z.object({
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
});
