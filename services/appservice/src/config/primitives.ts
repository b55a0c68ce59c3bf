/** Value types several config sections share. */
import { z } from "zod";

export const port = z.number().int().min(1).max(65535);
export const httpUrl = z
  .string()
  .url("not a valid URL")
  .refine((u) => /^https?:\/\//i.test(u), "must start with http:// or https://")
  .transform((u) => u.replace(/\/+$/, ""));
export const domain = z
  .string()
  .min(1)
  .regex(/^[A-Za-z0-9.-]+(:\d+)?$/, "must be a bare server name such as example.org (no scheme)");
