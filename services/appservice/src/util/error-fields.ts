/**
 * Reads a field of an error whose shape varies by client (the bot-sdk's MatrixError, fetch
 * errors, the response `body` some libraries attach): the first of `paths` that holds a value
 * of the given kind. `body.errcode` reads the `errcode` of the error's `body`.
 */
export function errorField(error: unknown, kind: "string", ...paths: string[]): string | undefined;
export function errorField(error: unknown, kind: "number", ...paths: string[]): number | undefined;
export function errorField(
  error: unknown,
  kind: "string" | "number",
  ...paths: string[]
): string | number | undefined {
  for (const path of paths) {
    let value: unknown = error;
    for (const key of path.split(".")) {
      value =
        value && typeof value === "object" ? (value as Record<string, unknown>)[key] : undefined;
    }
    if (typeof value === kind) return value as string | number;
  }
  return undefined;
}
