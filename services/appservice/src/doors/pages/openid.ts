/**
 * Verifies Matrix OpenID tokens (MSC1960) with the user's homeserver:
 * `GET {federation base}/_matrix/federation/v1/openid/userinfo?access_token=…` answers the user
 * id (`sub`). Only servers of the allow-list are asked; a `sub` of another server is refused
 * (REFERENCE.md §3). Definitive answers are cached briefly under a hash of the token, never the
 * token itself, so a widget reloading or prosody re-checking does not hammer the homeserver.
 */
import { createHash } from "node:crypto";
import { LRUCache } from "lru-cache";
import { AccessError, badRequest } from "../../matrix/access-error";

/** What a widget receives from `get_openid` (the parts Atrium needs). */
export interface OpenIdCredentials {
  access_token: string;
  /** The homeserver that minted the token; default: Atrium's own homeserver. */
  matrix_server_name?: string;
}

/** Federation base URL (no trailing slash) of a foreign Matrix server name. */
export type ServerResolver = (serverName: string) => Promise<string>;

export interface OpenIdVerifierOptions {
  /** Atrium's own server name (`homeserver.domain`). */
  localServer: string;
  /** Federation base URL of the own server (`homeserver.federationUrl ?? homeserver.url`). */
  localFederationUrl: string;
  /** Servers whose users are accepted (`permissions.allowedServers`, default the own one). */
  allowedServers: readonly string[];
  /** Finds a foreign server's federation URL (server discovery); required for foreign servers. */
  resolve?: ServerResolver;
  fetch?: typeof fetch;
  /** How long a definitive answer is remembered; default 30 s. */
  cacheTtlMs?: number;
  /** Timeout of the userinfo call; default 10 s. */
  timeoutMs?: number;
}

type Verdict = { userId: string } | { refused: AccessError };

const USER_ID = /^@[^:\s]+:([^\s]+)$/u;

/** The server part of a Matrix user id, or null when it is not one. */
export function serverOfUserId(userId: string): string | null {
  const match = USER_ID.exec(userId);
  return match ? (match[1] ?? null) : null;
}

/** Checks OpenID tokens; see the module comment. */
export class OpenIdVerifier {
  private readonly cache: LRUCache<string, Verdict>;
  private readonly fetch: typeof fetch;

  constructor(private readonly opts: OpenIdVerifierOptions) {
    this.cache = new LRUCache<string, Verdict>({ max: 2000, ttl: opts.cacheTtlMs ?? 30_000 });
    this.fetch = opts.fetch ?? fetch;
  }

  /**
   * Returns the user id the token belongs to.
   *
   * @throws AccessError 400 (no token), 403 (server not allowed, or a foreign `sub`), 401 (the
   *   homeserver refused the token: forged, expired or revoked), 502 (homeserver unreachable).
   */
  async verify(credentials: OpenIdCredentials): Promise<string> {
    const token = credentials.access_token;
    if (typeof token !== "string" || token.length === 0 || token.length > 4096) {
      throw badRequest(
        "The request carries no OpenID token (openid.access_token); reload the widget.",
      );
    }
    const server = credentials.matrix_server_name ?? this.opts.localServer;
    if (typeof server !== "string" || !this.opts.allowedServers.includes(server)) {
      throw new AccessError(
        403,
        "M_FORBIDDEN",
        `Accounts of ${JSON.stringify(server)} may not open this. Ask the Atrium administrator ` +
          "to add the server to permissions.allowedServers.",
      );
    }
    const key = createHash("sha256").update(`${server}\0${token}`).digest("hex");
    const cached = this.cache.get(key);
    const verdict = cached ?? (await this.ask(server, token));
    if (!cached) this.cache.set(key, verdict);
    if ("refused" in verdict) throw verdict.refused;
    return verdict.userId;
  }

  private async baseUrl(server: string): Promise<string> {
    if (server === this.opts.localServer) return this.opts.localFederationUrl;
    if (!this.opts.resolve) {
      throw new AccessError(502, "M_UNKNOWN", `Atrium cannot look up the server ${server}.`);
    }
    try {
      return await this.opts.resolve(server);
    } catch (error: unknown) {
      if (error instanceof AccessError) throw error;
      throw new AccessError(
        502,
        "M_UNKNOWN",
        `Atrium could not find the server ${server}; try again later.`,
      );
    }
  }

  /** Asks the homeserver; throws (uncached) when it cannot be reached or answers oddly. */
  private async ask(server: string, token: string): Promise<Verdict> {
    const url = new URL("/_matrix/federation/v1/openid/userinfo", `${await this.baseUrl(server)}/`);
    url.searchParams.set("access_token", token);
    let res: Response;
    try {
      // No redirects: the address checked by server discovery is the one asked, and a redirect
      // (to an internal address, say) is a refusal, not a second request.
      res = await this.fetch(url, {
        redirect: "manual",
        signal: AbortSignal.timeout(this.opts.timeoutMs ?? 10_000),
      });
    } catch {
      throw new AccessError(
        502,
        "M_UNKNOWN",
        `The homeserver ${server} could not be reached; try again later.`,
      );
    }
    if (res.status === 401 || res.status === 403 || res.status === 404) {
      return {
        refused: new AccessError(
          401,
          "M_UNKNOWN_TOKEN",
          `${server} did not recognise your OpenID token (it is forged, expired or revoked). ` +
            "Reload the widget to get a fresh one.",
        ),
      };
    }
    if (!res.ok) {
      // The status stays out of the message: it is the foreign server's, not the user's business.
      throw new AccessError(
        502,
        "M_UNKNOWN",
        `The homeserver ${server} could not confirm your identity just now; try again later.`,
      );
    }
    const body = (await res.json().catch(() => null)) as { sub?: unknown } | null;
    const sub = typeof body?.sub === "string" ? body.sub : "";
    if (serverOfUserId(sub) !== server) {
      return {
        refused: new AccessError(
          403,
          "M_FORBIDDEN",
          `${server} vouched for ${JSON.stringify(sub)}, which is not one of its users; refused.`,
        ),
      };
    }
    return { userId: sub };
  }
}
