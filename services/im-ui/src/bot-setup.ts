/**
 * Bringing Atrium's bot into a room with the user's own rights (issue 10, point 3): Element's
 * `invite`, then (once the appservice has auto-joined) `set_bot_power` to the widget level and
 * no higher. The server re-reads the room after each step; nothing here is trusted by it.
 */
import type { ImRoomView } from "@atrium/widgets";
import type { ImApi } from "./api";
import type { ScalarMessaging } from "./scalar-messaging";

export type BotStep = "inviting" | "waiting-join" | "granting" | "waiting-ready";

export interface BotSetupDeps {
  api: Pick<ImApi, "room">;
  messaging: Pick<ScalarMessaging, "invite" | "setBotPower">;
  /** Told about each step, for the progress text. */
  onStep?: (step: BotStep) => void;
  sleep?: (ms: number) => Promise<void>;
  /** How long to wait for the bot to join, then to see its level, in ms. Default 15 s. */
  waitMs?: number;
  /** Between two reads of the room. Default 750 ms. */
  pollMs?: number;
}

/** A bot setup that could not finish; `message` is for people. */
export class BotSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BotSetupError";
  }
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Invites the bot if it is not joined, waits for its join, grants it the room's widget level
 * (`ignoreIfGreater`, so an existing higher level is kept) and waits until the server reports it
 * ready. Resolves with the fresh room view.
 */
export async function setUpBot(
  roomId: string,
  view: ImRoomView,
  deps: BotSetupDeps,
): Promise<ImRoomView> {
  const sleep = deps.sleep ?? defaultSleep;
  const waitMs = deps.waitMs ?? 15_000;
  const pollMs = deps.pollMs ?? 750;
  const botId = view.bot.userId;

  const poll = async (done: (v: ImRoomView) => boolean, failure: string) => {
    const deadline = Date.now() + waitMs;
    for (;;) {
      const fresh = await deps.api.room(roomId);
      if (done(fresh)) return fresh;
      if (Date.now() >= deadline) throw new BotSetupError(failure);
      await sleep(pollMs);
    }
  };

  let current = view;
  if (current.bot.membership === "ban") {
    throw new BotSetupError(
      `${botId} is banned from this room. Unban it in Element's room settings, then try again.`,
    );
  }
  if (current.bot.membership !== "join") {
    deps.onStep?.("inviting");
    await deps.messaging.invite(roomId, botId);
    deps.onStep?.("waiting-join");
    current = await poll(
      (v) => v.bot.membership === "join" && v.room !== null,
      `${botId} was invited but has not joined yet. Check that Atrium is running, then try again.`,
    );
  }
  if (current.bot.ready) return current;
  const room = current.room;
  if (room === null) throw new BotSetupError(`${botId} cannot read this room yet. Try again.`);
  deps.onStep?.("granting");
  await deps.messaging.setBotPower(roomId, botId, room.neededLevel);
  deps.onStep?.("waiting-ready");
  return poll(
    (v) => v.bot.ready,
    `${botId} still lacks power level ${room.neededLevel}. Check the room's permissions in Element.`,
  );
}
