/**
 * Own-tab tickets: after the widget page's OpenID check, a member may ask for a ticket that
 * opens the same pad in a tab of its own (`GET /atrium/pad/open?ticket=…`), where the pad is the
 * top-level page and its cookies are first-party. A ticket is a random 256-bit string, bound to
 * (room, widget, user), valid for {@link TICKET_SECONDS} and redeemable once.
 *
 * Kept in memory, on purpose: a ticket lives a minute, so a restart only costs a click, and a
 * ticket handed out by one process cannot be redeemed twice through another (it is simply
 * unknown there, a refusal, never a second use).
 */
import { digestIfSecret, keepBounded, newSecret, secretDigest } from "../../util/secrets";

/** How long a ticket can be redeemed: enough to open a tab, too short to be worth stealing. */
export const TICKET_SECONDS = 60;
/** Tickets held at once; past this the oldest are dropped (each needed a verified member). */
export const MAX_TICKETS = 10_000;

export interface Ticket {
  kind: "pad" | "conference";
  roomId: string;
  widgetId: string;
  userId: string;
  expiresAt: number;
}

/** Why a ticket was refused, for the page the tab shows. */
export type TicketRefusal = "unknown" | "expired";

export class TicketBook {
  /** By SHA-256 of the ticket: a heap dump does not hold redeemable tickets. */
  private readonly tickets = new Map<string, Ticket>();

  constructor(private readonly now: () => number = Date.now) {}

  /** A new ticket for `what`, valid for {@link TICKET_SECONDS}. */
  issue(what: Omit<Ticket, "expiresAt">): { ticket: string; expiresAt: number } {
    const ticket = newSecret();
    const expiresAt = this.now() + TICKET_SECONDS * 1000;
    keepBounded(
      this.tickets,
      secretDigest(ticket),
      { ...what, expiresAt },
      MAX_TICKETS,
      this.now(),
    );
    return { ticket, expiresAt };
  }

  /**
   * The ticket, left in place: for the page that asks a browser holding someone else's session
   * before it is used (issue 22 item 17). Refusals as {@link redeem}, but nothing is taken out.
   */
  peek(ticket: string): Ticket | TicketRefusal {
    const key = digestIfSecret(ticket);
    const found = key === null ? undefined : this.tickets.get(key);
    if (!found) return "unknown";
    return found.expiresAt > this.now() ? found : "expired";
  }

  /** Takes the ticket out (whatever the outcome: a ticket is tried once) and returns it if valid. */
  redeem(ticket: string): Ticket | TicketRefusal {
    const key = digestIfSecret(ticket);
    const found = key === null ? undefined : this.tickets.get(key);
    if (!found || key === null) return "unknown";
    this.tickets.delete(key);
    return found.expiresAt > this.now() ? found : "expired";
  }
}
