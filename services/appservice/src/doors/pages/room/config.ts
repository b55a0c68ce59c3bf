/** The workspace page's config (`workspacePage:`); every key has a default. */
import { z } from "zod";

export const workspacePageConfigSchema = z.object({
  /**
   * How long a browser stays signed in after signing in with Matrix, hours. Default 168 (a
   * week). The session ends earlier on sign-out and when the person shares no room with the
   * bot any more (a deactivated account).
   */
  sessionHours: z
    .number()
    .int()
    .min(1)
    .max(24 * 90)
    .default(168),
  /** Sign-in direct messages: how many the bot sends, so nobody can use it to spam people. */
  signInLimits: z
    .object({
      /** Requests for one Matrix ID per 15 minutes. Default 3. */
      perTarget: z.number().int().min(1).max(100).default(3),
      /** Requests from one address per 15 minutes. Default 10. */
      perAddress: z.number().int().min(1).max(1000).default(10),
      /** Requests in total per hour. Default 200. */
      total: z.number().int().min(1).max(100_000).default(200),
    })
    .prefault({}),
});

export type WorkspacePageConfig = z.infer<typeof workspacePageConfigSchema>;
