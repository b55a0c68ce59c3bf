/** Where the browser apps of `@atrium/im-ui` (the IM and the workspace page) are built. */
import path from "node:path";

/** The built UI's folder, or null when `@atrium/im-ui` is not built. */
export function uiDistDir(): string | null {
  try {
    return path.join(path.dirname(require.resolve("@atrium/im-ui/package.json")), "dist");
  } catch {
    return null;
  }
}
