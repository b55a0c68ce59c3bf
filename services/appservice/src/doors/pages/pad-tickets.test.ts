import { MAX_TICKETS, TicketBook, TICKET_SECONDS } from "./pad-tickets";

const what = { kind: "pad" as const, roomId: "!r:x", widgetId: "w", userId: "@a:x" };

describe("TicketBook", () => {
  it("redeems a ticket once, for what it was issued", () => {
    const book = new TicketBook();
    const { ticket } = book.issue(what);
    expect(book.redeem(ticket)).toMatchObject(what);
    expect(book.redeem(ticket)).toBe("unknown");
  });

  it("refuses a ticket after its minute, and it stays used", () => {
    let now = 1_000_000;
    const book = new TicketBook(() => now);
    const { ticket, expiresAt } = book.issue(what);
    expect(expiresAt).toBe(now + TICKET_SECONDS * 1000);
    now = expiresAt;
    expect(book.redeem(ticket)).toBe("expired");
    expect(book.redeem(ticket)).toBe("unknown");
  });

  it.each(["", "x", "a".repeat(42), `${"a".repeat(42)}!`, "a".repeat(44)])(
    "refuses a malformed ticket %p",
    (ticket) => expect(new TicketBook().redeem(ticket)).toBe("unknown"),
  );

  it("keeps at most MAX_TICKETS, dropping the oldest", () => {
    const book = new TicketBook();
    const first = book.issue(what).ticket;
    for (let i = 0; i < MAX_TICKETS; i++) book.issue(what);
    expect(book.redeem(first)).toBe("unknown");
  });
});
