/**
 * The integration manager protocol Element speaks (INTEGRATION-MANAGER.md §2): register with an
 * OpenID object for a token (`/api/register`, Element's; `/_matrix/integrations/v1/account/
 * register`, MSC1961), check it (`…/account`), log out (MSC1961), terms (MSC2140, at the host
 * root), and the IM's own `.well-known/matrix/integrations`.
 */
import type express from "express";
import type { Logger } from "pino";
import type { AtriumConfig } from "../../config/schema";
import type { ImTokens } from "../../store/im-tokens";
import type { Metrics } from "../../util/metrics";
import { AccessError, badRequest } from "../../matrix/access-error";
import type { OpenIdVerifier } from "../pages/openid";
import { exchangeLimiter, guarded, EXCHANGES_PER_MINUTE } from "../pages/route-guards";
import { tokenOf, userOfRequest } from "./auth";

export interface ImProtocolDeps {
  config: AtriumConfig;
  im: NonNullable<AtriumConfig["integrationManager"]>;
  tokens: ImTokens;
  openid: Pick<OpenIdVerifier, "verify">;
  metrics: Metrics;
  log: Logger;
  /** Registrations per client address and minute; default {@link EXCHANGES_PER_MINUTE}. */
  registrationsPerMinute?: number;
}

/** MSC2140's `{policies: {id: {version, <lang>: {name, url}}}}` from the configured list. */
export function policiesOf(im: ImProtocolDeps["im"]): Record<string, Record<string, unknown>> {
  const policies: Record<string, Record<string, unknown>> = {};
  for (const p of im.policies) {
    const entry = (policies[p.id] ??= { version: p.version });
    entry[p.lang] = { name: p.name, url: p.url };
  }
  return policies;
}

/** The policy URLs `userId` has not accepted yet. */
export async function pendingTerms(deps: ImProtocolDeps, userId: string): Promise<string[]> {
  if (deps.im.policies.length === 0) return [];
  const accepted = await deps.tokens.acceptedTerms(userId);
  return deps.im.policies.map((p) => p.url).filter((url) => !accepted.has(url));
}

/** Refuses a user with pending terms (`M_TERMS_NOT_SIGNED`, as Element expects). */
export async function requireTerms(deps: ImProtocolDeps, userId: string): Promise<void> {
  if ((await pendingTerms(deps, userId)).length > 0) {
    throw new AccessError(
      403,
      "M_TERMS_NOT_SIGNED",
      "Accept the integration manager's terms of service first (Element asks when you reopen it).",
    );
  }
}

function openIdBody(body: unknown): { access_token: string; matrix_server_name?: string } {
  const b = (body && typeof body === "object" ? body : {}) as Record<string, unknown>;
  if (typeof b.access_token !== "string" || !b.access_token) {
    throw badRequest(
      "Send the OpenID object from /_matrix/client/v3/user/{userId}/openid/request_token as the JSON body.",
    );
  }
  if (b.matrix_server_name !== undefined && typeof b.matrix_server_name !== "string") {
    throw badRequest("matrix_server_name must be a string.");
  }
  return {
    access_token: b.access_token,
    ...(typeof b.matrix_server_name === "string"
      ? { matrix_server_name: b.matrix_server_name }
      : {}),
  };
}

/** Adds the protocol routes to the IM app. */
export function addProtocolRoutes(app: express.Express, deps: ImProtocolDeps): void {
  const { tokens, openid, metrics, log, im } = deps;
  const limited = exchangeLimiter(
    deps.registrationsPerMinute ?? EXCHANGES_PER_MINUTE,
    "register with the integration manager",
  );
  const lifetimeMs = im.tokenLifetimeHours * 60 * 60 * 1000;

  const register = async (req: express.Request): Promise<string> => {
    try {
      const userId = await openid.verify(openIdBody(req.body));
      const token = await tokens.issue(userId, lifetimeMs);
      metrics.imRegistrations.inc({ outcome: "done" });
      log.info({ user: userId }, "integration manager registration");
      return token;
    } catch (error: unknown) {
      metrics.imRegistrations.inc({ outcome: error instanceof AccessError ? "refused" : "failed" });
      throw error;
    }
  };
  // Element's flow: `v` (1.1) is accepted and ignored, as later Dimension versions do.
  app.post(
    "/api/register",
    limited,
    guarded(log, async (req, res) => {
      res.set("Cache-Control", "no-store").send({ scalar_token: await register(req) });
    }),
  );
  app.post(
    "/_matrix/integrations/v1/account/register",
    limited,
    guarded(log, async (req, res) => {
      res.set("Cache-Control", "no-store").send({ token: await register(req) });
    }),
  );

  const account: express.RequestHandler = guarded(log, async (req, res) => {
    const userId = await userOfRequest(req, tokens);
    await requireTerms(deps, userId);
    res.set("Cache-Control", "no-store").send({ user_id: userId });
  });
  app.get("/api/account", account);
  app.get("/_matrix/integrations/v1/account", account);

  app.post(
    "/_matrix/integrations/v1/account/logout",
    guarded(log, async (req, res) => {
      const userId = await userOfRequest(req, tokens);
      await tokens.revoke(tokenOf(req) ?? "");
      log.info({ user: userId }, "integration manager logout");
      res.send({});
    }),
  );

  app.get("/_matrix/integrations/v1/terms", (_req, res) => {
    res.send({ policies: policiesOf(im) });
  });
  app.post(
    "/_matrix/integrations/v1/terms",
    guarded(log, async (req, res) => {
      const userId = await userOfRequest(req, tokens);
      const accepts = (req.body as { user_accepts?: unknown } | undefined)?.user_accepts;
      if (!Array.isArray(accepts) || !accepts.every((u) => typeof u === "string")) {
        throw badRequest('Send {"user_accepts": [<policy URLs>]}.');
      }
      const known = new Set(im.policies.map((p) => p.url));
      await tokens.acceptTerms(
        userId,
        accepts.filter((u) => known.has(u)),
      );
      res.send({});
    }),
  );

  app.get("/.well-known/matrix/integrations", (_req, res) => {
    res.send({
      "m.integrations_widget": {
        url: `${im.publicUrl}/element`,
        data: { api_url: `${im.publicUrl}/api` },
      },
    });
  });
}
