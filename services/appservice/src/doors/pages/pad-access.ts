/**
 * Opens a room's pad for a verified member: OpenID token → user id → joined? → for an editor, an
 * Etherpad author and a session for the pad's group (bounded validUntil, recorded so that
 * leaving the room or a demotion ends it) and the pad URL; for a member below
 * `permissions.padEditPowerLevel`, no Etherpad session at all (a group session writes every pad
 * of the room, whatever URL it was given for) but a link to Atrium's read-only view (pad-view.ts).
 */
import type { EtherpadClient } from "@atrium/etherpad";
import type { AtriumConfig } from "../../config/schema";
import type { Store } from "../../store/store";
import { AccessError, badRequest } from "../../matrix/access-error";
import { roomAccess, type StateReader } from "../../matrix/membership";
import type { OpenIdCredentials, OpenIdVerifier } from "./openid";
import { viewPath, type ReadOnlyViews } from "./pad-view";
import type { PadRevocations } from "../../store/pad-revocations";

export interface PadAccessDeps {
  config: Pick<AtriumConfig, "etherpad" | "permissions" | "web">;
  store: Pick<Store, "widget" | "savePadSession">;
  etherpad: Pick<EtherpadClient, "authorForUser" | "createSession" | "getText">;
  gateway: StateReader;
  openid: Pick<OpenIdVerifier, "verify">;
  /** Read-only view links (members below the edit level get one instead of a session). */
  views: Pick<ReadOnlyViews, "issue">;
  /** Revocations Etherpad has not confirmed yet: the member's pads stay closed meanwhile. */
  revocations: Pick<PadRevocations, "pending">;
  now?: () => number;
}

/** The body of `POST /atrium/pad/session`. */
export interface PadSessionRequest {
  roomId: string;
  widgetId: string;
  openid: OpenIdCredentials;
}

export interface PadGrant {
  /** Where the browser goes: the pad, or Atrium's read-only view. */
  url: string;
  readOnly: boolean;
  userId: string;
  /** The Etherpad session to put in the cookie; null for a read-only member (none is opened). */
  sessionId: string | null;
  validUntil: Date;
}

/** Which widget a request is about (`roomId`, `widgetId`). */
export interface WidgetRef {
  roomId: string;
  widgetId: string;
}

/** Checks `roomId` and `widgetId` of a request body; throws a 400 naming the bad field. */
export function parseWidgetRef(body: unknown): WidgetRef {
  const b = (body ?? {}) as Record<string, unknown>;
  if (typeof b.roomId !== "string" || !b.roomId.startsWith("!")) {
    throw badRequest(
      "roomId is missing or not a room id (like !abc:example.org); open the pad from its widget.",
    );
  }
  if (typeof b.widgetId !== "string" || b.widgetId.length === 0 || b.widgetId.length > 255) {
    throw badRequest("widgetId is missing; open the pad from its widget.");
  }
  return { roomId: b.roomId, widgetId: b.widgetId };
}

/** Checks the shape of a request body; throws a 400 naming the bad field. */
export function parseSessionRequest(body: unknown): PadSessionRequest {
  const b = (body ?? {}) as Record<string, unknown>;
  const ref = parseWidgetRef(b);
  const o = (b.openid ?? {}) as Record<string, unknown>;
  if (typeof o.access_token !== "string" || o.access_token.length === 0) {
    throw badRequest("openid.access_token is missing; the Matrix client did not hand out a token.");
  }
  if (o.matrix_server_name !== undefined && typeof o.matrix_server_name !== "string") {
    throw badRequest("openid.matrix_server_name must be a server name such as example.org.");
  }
  const openid: OpenIdCredentials = { access_token: o.access_token };
  if (typeof o.matrix_server_name === "string") openid.matrix_server_name = o.matrix_server_name;
  return { ...ref, openid };
}

/** The group part of a group pad id (`g.xxxxxxxxxxxxxxxx$name` → `g.xxxxxxxxxxxxxxxx`). */
export function groupOfPad(padId: string): string {
  const group = padId.split("$")[0] ?? "";
  if (!/^g\.[A-Za-z0-9]{16}$/.test(group) || !padId.includes("$")) {
    throw new Error(`pad id ${JSON.stringify(padId)} is not a group pad id`);
  }
  return group;
}

/** The widget's pad and the member's standing, once both checks passed. */
export interface PadMember {
  widgetId: string;
  padId: string;
  groupId: string;
  userId: string;
  displayName: string | null;
  readOnly: boolean;
}

/**
 * The checks every way into a pad shares (widget page, own-tab ticket, pop-out resume): the pad
 * comes from Atrium's own record of the widget, never from the browser, and `userId` must be
 * joined to the room now. Throws the AccessError the user reads.
 */
export async function padMember(
  deps: Pick<PadAccessDeps, "config" | "store" | "gateway" | "revocations">,
  roomId: string,
  widgetId: string,
  userId: string,
): Promise<PadMember> {
  const row = await deps.store.widget(roomId, widgetId);
  if (!row || row.kind !== "etherpad" || !row.pad_id || row.archived_at !== null) {
    throw new AccessError(
      404,
      "M_NOT_FOUND",
      "Atrium knows no pad behind this widget (it was removed, or not made by Atrium).",
    );
  }
  const access = await roomAccess(deps.gateway, roomId, userId);
  if (access.membership !== "join") {
    throw new AccessError(
      403,
      "M_FORBIDDEN",
      `${userId} is not a member of this room, so its pad stays closed. Join the room first.`,
    );
  }
  if (await deps.revocations.pending(roomId, userId)) {
    throw new AccessError(
      503,
      "M_UNKNOWN",
      "Atrium is still ending your earlier access to this room's pads (the pad server has not confirmed it yet). Try again in a minute.",
    );
  }
  return {
    widgetId,
    padId: row.pad_id,
    // After a room upgrade the new room's widget points at the old room's pad: take the group
    // from the pad id, not from the room.
    groupId: groupOfPad(row.pad_id),
    userId,
    displayName: access.displayName ?? null,
    readOnly: access.level < deps.config.permissions.padEditPowerLevel,
  };
}

/**
 * The URL a member is sent to: the pad for an editor; for a member below the edit level, a new
 * link to Atrium's read-only view (no Etherpad id in it, read-only or not).
 */
export async function padUrl(
  deps: Pick<PadAccessDeps, "config" | "views">,
  roomId: string,
  member: Pick<PadMember, "padId" | "readOnly" | "widgetId" | "userId">,
): Promise<string> {
  if (member.readOnly) {
    const token = deps.views.issue(
      { roomId, widgetId: member.widgetId, userId: member.userId },
      deps.config.etherpad.sessionSeconds,
    );
    return new URL(viewPath(token), deps.config.web.publicUrl).toString();
  }
  const base = deps.config.etherpad.publicUrl ?? deps.config.etherpad.url;
  return `${base}/p/${encodeURIComponent(member.padId)}`;
}

/**
 * Opens the pad for a member who passed {@link padMember}: an editor gets an Etherpad session
 * (bounded validUntil, recorded so that leaving the room or a demotion ends it); a member below
 * the edit level gets a read-only view link and no session.
 */
export async function openPadSession(
  deps: PadAccessDeps,
  roomId: string,
  member: PadMember,
): Promise<PadGrant> {
  const { userId } = member;
  const now = deps.now?.() ?? Date.now();
  const validUntil = new Date(now + deps.config.etherpad.sessionSeconds * 1000);
  const url = await padUrl(deps, roomId, member);
  if (member.readOnly) return { url, readOnly: true, userId, sessionId: null, validUntil };
  const authorId = await deps.etherpad.authorForUser(userId, member.displayName ?? userId);
  const sessionId = await deps.etherpad.createSession(member.groupId, authorId, validUntil);
  await deps.store.savePadSession({
    session_id: sessionId,
    room_id: roomId,
    user_id: userId,
    group_id: member.groupId,
    valid_until: validUntil.getTime(),
    created_at: now,
  });
  return { url, readOnly: false, userId, sessionId, validUntil };
}

/** Opens a pad for a member; see the module comment. */
export async function openPad(deps: PadAccessDeps, req: PadSessionRequest): Promise<PadGrant> {
  const userId = await deps.openid.verify(req.openid);
  const member = await padMember(deps, req.roomId, req.widgetId, userId);
  return openPadSession(deps, req.roomId, member);
}
