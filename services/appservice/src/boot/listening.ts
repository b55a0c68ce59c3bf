import { StartupError } from "../registration";

/** Turns a busy port into a StartupError that names the config key to change. */
export async function listening<T>(
  key: string,
  address: string,
  listen: () => Promise<T>,
): Promise<T> {
  try {
    return await listen();
  } catch (error: unknown) {
    if ((error as { code?: unknown } | null)?.code === "EADDRINUSE") {
      throw new StartupError(
        `${key}: ${address} is already in use. Stop what listens there or choose another port in config.yaml.`,
      );
    }
    throw error;
  }
}
