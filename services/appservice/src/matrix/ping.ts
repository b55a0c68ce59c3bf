/**
 * The appservice ping (MSC2659, Matrix 1.7): Atrium asks the homeserver to call its
 * `/_matrix/app/v1/ping`. Besides proving the link both ways (and the hs_token), a successful
 * ping makes Synapse retry the transactions it queued for Atrium right away; without it Synapse
 * waits out its exponential backoff (up to 512 s) after an outage.
 */
import type { Logger } from "pino";
import { errcodeOf, isTransientMatrixError } from "./errors";

interface Client {
  doRequest(method: string, path: string, qs?: unknown, body?: unknown): Promise<unknown>;
}

/** Pings once; resolves with the round trip the homeserver measured. */
export async function pingOnce(client: Client, appserviceId: string): Promise<number> {
  const path = `/_matrix/client/v1/appservice/${encodeURIComponent(appserviceId)}/ping`;
  const reply = (await client.doRequest("POST", path, null, {
    transaction_id: `atrium-start-${Date.now()}`,
  })) as { duration_ms?: unknown } | null;
  return typeof reply?.duration_ms === "number" ? reply.duration_ms : -1;
}

/**
 * Pings in the background until it works: the homeserver may still be starting, or the
 * network between the two may not be up yet. Gives up on answers that will not change
 * (an old homeserver without the endpoint, a registration without a URL).
 */
export function pingFromHomeserver(
  client: Client,
  appserviceId: string,
  log: Logger,
  opts: { attempts?: number; firstDelayMs?: number } = {},
): { done: Promise<boolean>; cancel(): void } {
  let cancelled = false;
  let timer: NodeJS.Timeout | undefined;
  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
      timer.unref();
    });
  const done = (async () => {
    const attempts = opts.attempts ?? 8;
    for (let attempt = 1; attempt <= attempts && !cancelled; attempt++) {
      try {
        const ms = await pingOnce(client, appserviceId);
        log.info({ duration_ms: ms }, "the homeserver reached Atrium (appservice ping)");
        return true;
      } catch (error: unknown) {
        const code = errcodeOf(error);
        if (code === "M_UNRECOGNIZED" || code === "M_AS_PING_URL_NOT_SET") {
          log.warn({ errcode: code }, "the homeserver cannot ping Atrium; skipping the ping");
          return false;
        }
        const retry = isTransientMatrixError(error) || code?.startsWith("M_AS_PING_") === true;
        log.warn(
          { errcode: code, attempt, err: retry ? undefined : error },
          retry
            ? "the homeserver could not reach Atrium yet (appservice ping); retrying"
            : "the appservice ping failed: check the registration's url and hs_token",
        );
        if (!retry) return false;
        await wait((opts.firstDelayMs ?? 1000) * 2 ** (attempt - 1));
      }
    }
    return false;
  })();
  return {
    done,
    cancel: () => {
      cancelled = true;
      clearTimeout(timer);
    },
  };
}
