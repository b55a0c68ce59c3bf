import type { z } from "zod";

/**
 * The error map Atrium's schemas parse with: a missing value reads "Required" (zod 4's own
 * message, "Invalid input: expected string, received undefined", says what the parser saw, not
 * what the person should do). Every other issue keeps its schema's message.
 */
export const atriumErrorMap: z.core.$ZodErrorMap = (issue) =>
  issue.code === "invalid_type" && issue.input === undefined ? "Required" : undefined;
