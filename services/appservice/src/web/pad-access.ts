/**
 * Opens a room's pad for a verified member: OpenID token → user id → joined? → Etherpad author
 * → session for the pad's group (bounded validUntil, recorded so that leaving the room ends it)
 * → the pad URL, read-only for members below `permissions.padEditPowerLevel`.
 */
import type { EtherpadClient } from "@atrium/etherpad";
import type { AtriumConfig } from "../config/schema";
import type { Store } from "../store/store";
import { AccessError, badRequest } from "./access-error";
import { roomAccess, type StateReader } from "./membership";
import type { OpenIdCredentials, OpenIdVerifier } from "./openid";

export interface PadAccessDeps {
  config: Pick<AtriumConfig, "etherpad" | "permissions">;
  store: Pick<Store, "widget" | "savePadSession">;
  etherpad: Pick<EtherpadClient, "authorForUser" | "createSession" | "getReadOnlyId">;
  gateway: StateReader;
  openid: Pick<OpenIdVerifier, "verify">;
  now?: () => number;
}

/** The body of `POST /atrium/pad/session`. */
export interface PadSessionRequest {
  roomId: string;
  widgetId: string;
  openid: OpenIdCredentials;
}

export interface PadGrant {
  /** Where the browser goes: the pad, or its read-only view. */
  url: string;
  readOnly: boolean;
  userId: string;
  sessionId: string;
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
  deps: Pick<PadAccessDeps, "config" | "store" | "gateway">,
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
  return {
    padId: row.pad_id,
    // After a room upgrade the new room's widget points at the old room's pad: take the group
    // from the pad id, not from the room.
    groupId: groupOfPad(row.pad_id),
    userId,
    displayName: access.displayName ?? null,
    readOnly: access.level < deps.config.permissions.padEditPowerLevel,
  };
}

/** The URL a member is sent to: the pad, or its read-only view below the edit level. */
export async function padUrl(
  deps: Pick<PadAccessDeps, "config" | "etherpad">,
  member: Pick<PadMember, "padId" | "readOnly">,
): Promise<string> {
  const base = deps.config.etherpad.publicUrl ?? deps.config.etherpad.url;
  const padPath = member.readOnly ? await deps.etherpad.getReadOnlyId(member.padId) : member.padId;
  return `${base}/p/${encodeURIComponent(padPath)}`;
}

/**
 * Opens an Etherpad session for a member who passed {@link padMember} (bounded validUntil,
 * recorded so that leaving the room ends it) and returns the grant.
 */
export async function openPadSession(
  deps: PadAccessDeps,
  roomId: string,
  member: PadMember,
): Promise<PadGrant> {
  const { userId } = member;
  const authorId = await deps.etherpad.authorForUser(userId, member.displayName ?? userId);
  const now = deps.now?.() ?? Date.now();
  const validUntil = new Date(now + deps.config.etherpad.sessionSeconds * 1000);
  const sessionId = await deps.etherpad.createSession(member.groupId, authorId, validUntil);
  await deps.store.savePadSession({
    session_id: sessionId,
    room_id: roomId,
    user_id: userId,
    group_id: member.groupId,
    valid_until: validUntil.getTime(),
    created_at: now,
  });
  return {
    url: await padUrl(deps, member),
    readOnly: member.readOnly,
    userId,
    sessionId,
    validUntil,
  };
}

/** Opens a pad for a member; see the module comment. */
export async function openPad(deps: PadAccessDeps, req: PadSessionRequest): Promise<PadGrant> {
  const userId = await deps.openid.verify(req.openid);
  const member = await padMember(deps, req.roomId, req.widgetId, userId);
  return openPadSession(deps, req.roomId, member);
}
