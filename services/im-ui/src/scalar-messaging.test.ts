import { ScalarMessaging, ScalarMessagingError, type MessagingWindow } from "./scalar-messaging";

/** A window whose parent records what it is sent, and which can deliver message events. */
function fakeWindow() {
  const sent: { message: Record<string, unknown>; origin: string }[] = [];
  const listeners = new Set<(event: MessageEvent) => void>();
  const parent = {
    postMessage(message: unknown, origin: string) {
      sent.push({ message: message as Record<string, unknown>, origin });
    },
  };
  const win: MessagingWindow = {
    parent,
    addEventListener: (_type, listener) => listeners.add(listener),
    removeEventListener: (_type, listener) => listeners.delete(listener),
  };
  const deliver = (data: unknown, source: unknown = parent, origin = "https://element.test") => {
    for (const l of [...listeners]) l({ data, source, origin } as MessageEvent);
  };
  return { win, sent, deliver, listeners };
}

describe("ScalarMessaging", () => {
  it("posts {action, room_id, user_id, request_id} without an api field, to Element's origin", async () => {
    const { win, sent, deliver } = fakeWindow();
    const client = new ScalarMessaging(win, { parentOrigin: "https://element.test" });
    const answer = client.invite("!r:hs", "@bot:hs");
    expect(sent).toHaveLength(1);
    const { message, origin } = sent[0]!;
    expect(origin).toBe("https://element.test");
    expect(message).toEqual({
      action: "invite",
      room_id: "!r:hs",
      user_id: "@bot:hs",
      request_id: expect.any(String),
    });
    expect("api" in message).toBe(false);
    deliver({ ...message, response: { success: true } });
    await expect(answer).resolves.toEqual({ success: true });
  });

  it("asks for the bot's level with ignoreIfGreater", async () => {
    const { win, sent, deliver } = fakeWindow();
    const client = new ScalarMessaging(win, { parentOrigin: null });
    const answer = client.setBotPower("!r:hs", "@bot:hs", 50);
    const { message, origin } = sent[0]!;
    expect(origin).toBe("*");
    expect(message).toMatchObject({ action: "set_bot_power", level: 50, ignoreIfGreater: true });
    deliver({ ...message, response: { success: true } });
    await expect(answer).resolves.toEqual({ success: true });
  });

  it("sends a widget state event as the user with send_event, and gives an older Element 5 s", async () => {
    jest.useFakeTimers();
    try {
      const { win, sent, deliver } = fakeWindow();
      const client = new ScalarMessaging(win, { parentOrigin: "https://element.test" });
      const content = { id: "w1", type: "m.etherpad", url: "https://pads.test/atrium/pad" };
      const answered = client.sendEvent("!r:hs", "im.vector.modular.widgets", "w1", content);
      expect(sent[0]!.message).toEqual({
        action: "send_event",
        room_id: "!r:hs",
        type: "im.vector.modular.widgets",
        state_key: "w1",
        content,
        request_id: expect.any(String),
      });
      deliver({ ...sent[0]!.message, response: { room_id: "!r:hs", event_id: "$e" } });
      await expect(answered).resolves.toEqual({ room_id: "!r:hs", event_id: "$e" });

      const unanswered = client.sendEvent("!r:hs", "im.vector.modular.widgets", "w1", content);
      jest.advanceTimersByTime(4_999);
      let settled = false;
      unanswered.catch(() => (settled = true));
      await Promise.resolve();
      expect(settled).toBe(false);
      jest.advanceTimersByTime(1);
      await expect(unanswered).rejects.toMatchObject({ action: "send_event", timedOut: true });
    } finally {
      jest.useRealTimers();
    }
  });

  it("ignores replies from other windows, other origins, other request ids and its own echo", async () => {
    const { win, sent, deliver } = fakeWindow();
    const client = new ScalarMessaging(win, {
      parentOrigin: "https://element.test",
      timeoutMs: 200,
    });
    const answer = client.request("get_widgets", { room_id: "!r:hs" });
    const { message } = sent[0]!;
    deliver({ ...message, response: ["forged"] }, {});
    deliver({ ...message, response: ["forged"] }, win.parent, "https://evil.test");
    deliver({ ...message, request_id: "other", response: ["other"] });
    deliver({ ...message });
    deliver({ ...message, response: ["real"] });
    await expect(answer).resolves.toEqual(["real"]);
  });

  it("rejects with Element's message when the response is an error", async () => {
    const { win, sent, deliver } = fakeWindow();
    const client = new ScalarMessaging(win, { parentOrigin: "https://element.test" });
    const answer = client.invite("!r:hs", "@bot:hs");
    deliver({
      ...sent[0]!.message,
      response: { error: { message: "You do not have permission" } },
    });
    await expect(answer).rejects.toThrow("You do not have permission");
    await expect(answer).rejects.toBeInstanceOf(ScalarMessagingError);
  });

  it("times out when Element leaves the request unanswered, and stops listening", async () => {
    const { win, listeners } = fakeWindow();
    const client = new ScalarMessaging(win, {
      parentOrigin: "https://element.test",
      timeoutMs: 20,
    });
    await expect(client.request("no_such_action")).rejects.toMatchObject({ timedOut: true });
    expect(listeners.size).toBe(0);
  });

  it("closes the dialog with close_scalar", () => {
    const { win, sent } = fakeWindow();
    new ScalarMessaging(win, { parentOrigin: "https://element.test", timeoutMs: 10 }).close();
    expect(sent[0]!.message.action).toBe("close_scalar");
  });
});
