/**
 * The question an own-tab ticket link asks before it changes who a browser is (issue 22 item
 * 17): a browser that holds a session of someone else (an Etherpad session Atrium recorded, or
 * the workspace page's sign-in) is shown whose pad the link opens and confirms with a POST. A
 * link someone else asked for can then never silently make the victim type as the attacker.
 */
import { escapeHtml, htmlDocument } from "../../util/html";
import { PAGE_CSP } from "./pages";
import type { PadSessionLookup } from "./pad-resume";
import { sessionIdsOf } from "./session-cookie";

/** The pages' CSP, with forms allowed to post back here (and only here). */
export const CONFIRM_PAGE_CSP = PAGE_CSP.replace("form-action 'none'", "form-action 'self'");

/** Who else a browser is, by its cookies: users of the sessions it holds, and the sign-in. */
export async function otherIdentities(
  cookieHeader: string | undefined,
  userId: string,
  sessions: PadSessionLookup,
  signedInAs?: (cookieHeader: string | undefined) => Promise<string | null>,
): Promise<string[]> {
  const rows = await sessions.padSessionsById(sessionIdsOf(cookieHeader));
  const users = new Set(rows.map((r) => r.user_id));
  const signedIn = (await signedInAs?.(cookieHeader)) ?? null;
  if (signedIn) users.add(signedIn);
  users.delete(userId);
  return [...users].sort();
}

/** The confirmation page: who the link opens the pad as, who this browser is now, one button. */
export function confirmOpenPage(ticket: string, userId: string, others: string[]): string {
  const now = others.map((u) => `<strong>${escapeHtml(u)}</strong>`).join(", ");
  return htmlDocument({
    title: `Open the pad as ${userId}?`,
    stylesheets: ["../static/widget-page.css"],
    data: { state: "confirm" },
    body: `<main>
<h1>Open the pad as ${escapeHtml(userId)}?</h1>
<p>This browser is signed in to pads as ${now}. This link opens the pad as <strong>${escapeHtml(userId)}</strong>: what you type would be written under that name.</p>
<p>Continue only if you asked for this link yourself, from your own Matrix client.</p>
<form method="post" action="open">
<input type="hidden" name="ticket" value="${escapeHtml(ticket)}">
<button type="submit">Open as ${escapeHtml(userId)}</button>
</form>
</main>`,
  });
}
