/**
 * Pop-out: the pad page opened in a tab of its own (Element's "Pop out", a copied link) has no
 * widget API and so no OpenID token, and `$matrix_user_id` in a URL proves nothing. What it can
 * have is the Etherpad session cookie this browser got from Atrium for this room: a session id
 * is a 128-bit secret Atrium handed out after an OpenID check, and Atrium's record
 * (`pad_sessions`) says whose it is. A pad is resumed only for a session of this room and this
 * pad's group that is still valid, and only if its user is joined to the room now (read-only
 * below the edit level, as in the widget). The session is reused, not extended: its lifetime
 * stays bounded by the OpenID check that opened it.
 */
import type { Kysely } from "kysely";
import type { Database, PadSessionTable } from "../../store/schema";
import { AccessError } from "../../matrix/access-error";
import { padMember, padUrl, type PadAccessDeps, type WidgetRef } from "./pad-access";

/** Finds Atrium's records of session ids (the narrow slice of the store resume needs). */
export interface PadSessionLookup {
  padSessionsById(ids: readonly string[]): Promise<PadSessionTable[]>;
}

/** {@link PadSessionLookup} over the store's database. */
export function padSessionLookup(db: Kysely<Database>): PadSessionLookup {
  return {
    padSessionsById: async (ids) =>
      ids.length === 0
        ? []
        : db.selectFrom("pad_sessions").selectAll().where("session_id", "in", ids).execute(),
  };
}

export interface ResumeGrant {
  url: string;
  readOnly: boolean;
  userId: string;
}

/** What a tab opened on its own is told to do instead. */
export const OPEN_FROM_WIDGET =
  "Open the pad from its widget in the room (in Element: the room's widgets), then choose “Open in its own tab”.";

/** Resumes the pad for the member whose session this browser holds; see the module comment. */
export async function resumePad(
  deps: Pick<PadAccessDeps, "config" | "store" | "gateway" | "views" | "revocations" | "now">,
  sessions: PadSessionLookup,
  ref: WidgetRef,
  sessionIds: readonly string[],
): Promise<ResumeGrant> {
  const now = deps.now?.() ?? Date.now();
  const rows = (await sessions.padSessionsById(sessionIds))
    .filter((r) => r.room_id === ref.roomId && Number(r.valid_until) > now)
    .sort((a, b) => Number(b.created_at) - Number(a.created_at));
  if (rows.length === 0) {
    throw new AccessError(
      401,
      "M_MISSING_TOKEN",
      `This tab cannot confirm who you are: it was opened outside your Matrix client. ${OPEN_FROM_WIDGET}`,
    );
  }
  let refusal: AccessError | undefined;
  for (const userId of new Set(rows.map((r) => r.user_id))) {
    try {
      const member = await padMember(deps, ref.roomId, ref.widgetId, userId);
      if (!rows.some((r) => r.user_id === userId && r.group_id === member.groupId)) continue;
      return { url: await padUrl(deps, ref.roomId, member), readOnly: member.readOnly, userId };
    } catch (error: unknown) {
      if (!(error instanceof AccessError)) throw error;
      refusal ??= error;
    }
  }
  throw (
    refusal ??
    new AccessError(
      401,
      "M_MISSING_TOKEN",
      `This tab holds no session for this pad. ${OPEN_FROM_WIDGET}`,
    )
  );
}
