/**
 * For `jitsi.auth: jwt` deployments: after the same OpenID and membership checks as the pad,
 * mints a short-lived Jitsi JWT that admits to this room's conference only (never `*`).
 */
import { conferenceUrl, mintJitsiJwt } from "@atrium/jitsi";
import type { AtriumConfig } from "../../config/schema";
import type { Store } from "../../store/store";
import { AccessError } from "../../matrix/access-error";
import { roomAccess, type StateReader } from "../../matrix/membership";
import type { OpenIdVerifier } from "./openid";
import type { PadSessionRequest } from "./pad-access";

export interface ConferenceAccessDeps {
  config: Pick<AtriumConfig, "jitsi">;
  store: Pick<Store, "widget">;
  gateway: StateReader;
  openid: Pick<OpenIdVerifier, "verify">;
  now?: () => number;
}

/** Lifetime of a minted conference token: enough to load Jitsi and join. */
export const CONFERENCE_TOKEN_SECONDS = 120;
/** Members at or above this level join as Jitsi moderators. */
export const MODERATOR_LEVEL = 50;

export interface ConferenceGrant {
  url: string;
  userId: string;
  conferenceId: string;
}

/** Checks the member and returns the conference URL carrying a room-scoped JWT. */
export async function openConference(
  deps: ConferenceAccessDeps,
  req: PadSessionRequest,
): Promise<ConferenceGrant> {
  const { jitsi } = deps.config;
  if (jitsi.auth !== "jwt" || !jitsi.jwtAppId || !jitsi.jwtSecret) {
    throw new AccessError(
      404,
      "M_UNRECOGNIZED",
      "This Atrium does not mint Jitsi tokens (jitsi.auth is not jwt).",
    );
  }
  const userId = await deps.openid.verify(req.openid);
  const row = await deps.store.widget(req.roomId, req.widgetId);
  if (!row || row.kind !== "jitsi" || !row.conference_id || row.archived_at !== null) {
    throw new AccessError(
      404,
      "M_NOT_FOUND",
      "Atrium knows no conference behind this widget (it was removed).",
    );
  }
  const access = await roomAccess(deps.gateway, req.roomId, userId);
  if (access.membership !== "join") {
    throw new AccessError(
      403,
      "M_FORBIDDEN",
      `${userId} is not a member of this room, so its call stays closed. Join the room first.`,
    );
  }
  const jwt = await mintJitsiJwt({
    secret: jitsi.jwtSecret,
    appId: jitsi.jwtAppId,
    domain: jitsi.domain,
    room: row.conference_id,
    user: { id: userId, name: access.displayName ?? userId },
    moderator: access.level >= MODERATOR_LEVEL,
    ttlSeconds: CONFERENCE_TOKEN_SECONDS,
    now: new Date(deps.now?.() ?? Date.now()),
  });
  const url = conferenceUrl({
    domain: jitsi.domain,
    conferenceId: row.conference_id,
    jwt,
    displayName: access.displayName ?? userId,
  });
  return { url, userId, conferenceId: row.conference_id };
}
