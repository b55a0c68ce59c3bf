/**
 * Runs `!commands`. Each command event is claimed in the ledger first, so a retried
 * transaction or a restart never runs it twice; a claim left pending by a crash is resumed
 * (every step is idempotent) and the reply carries a dedupe key so it is sent once.
 */
import type { Logger } from "pino";
import type { RoomActions, ActionResult } from "../../workspace/room-actions";
import type { WorkspaceDeps } from "../../workspace/workspace";
import { UserFacingError } from "../../workspace/user-error";
import { describeFailure } from "../../workspace/describe";
import type { Metrics } from "../../util/metrics";
import { HELP_TEXT, reply, type Reply } from "./reply";
import { parseCommand, type CommandName } from "./parse";
import type { FeedCommands } from "../../workspace/feeds";
import { workspaceUrl } from "../pages/room/links";

export interface MessageEvent {
  event_id: string;
  room_id: string;
  sender: string;
  content: { body?: unknown; msgtype?: unknown };
}

const READ_ONLY: ReadonlySet<CommandName> = new Set(["help", "widgets"]);

interface Answer {
  outcome: "done" | "refused" | "failed";
  reply: Reply;
  /** Runs once the reply was sent (a feed's first entry follows its "Following" reply). */
  after?: () => void;
}

/** An answer now, or one that follows `later`, off the room's lane (a feed preview). */
type Outcome = Answer | { later: Promise<Answer> };

export class CommandHandler {
  constructor(
    private readonly deps: Omit<WorkspaceDeps, "etherpad"> & {
      actions: RoomActions;
      metrics: Metrics;
      /** `!feed`: its own power rule (the room's state_default) and replies. */
      feeds?: FeedCommands;
    },
  ) {}

  async handle(event: MessageEvent, log: Logger): Promise<void> {
    const parsed = parseCommand(event.content.body);
    if (!parsed) return;
    const name = parsed.kind === "command" ? parsed.name : parsed.kind;
    const seen = await this.deps.store.claimCommand(
      event.event_id,
      event.room_id,
      event.sender,
      name,
    );
    if (seen && seen.outcome !== "pending") {
      log.info({ outcome: seen.outcome }, "command already handled; ignoring the replay");
      return;
    }
    let result: Outcome;
    if (parsed.kind === "too-long") {
      result = refuse(
        `That command is ${parsed.length} characters long; commands have at most 4096. Nothing was changed. Send \`!help\` for the commands.`,
      );
    } else if (parsed.kind === "unknown") {
      result = refuse(`I don't know \`!${parsed.word}\`.\n${HELP_TEXT}`);
    } else {
      result = await this.run(parsed.name, parsed.args, parsed.rest, parsed.force, event, log);
    }
    if ("later" in result) {
      // The lane moves on; the answer is sent (once, keyed by the event) when it is ready.
      log.info({ command: name }, "command answered later, off the room's lane");
      const later = result.later.catch((error: unknown): Answer => {
        log.error({ err: error }, "command failed");
        return { outcome: "failed", reply: reply(describeFailure(error)) };
      });
      void this.answer(event, name, later, log).catch((error: unknown) =>
        log.error({ err: error, command: name }, "could not send a command's later answer"),
      );
      return;
    }
    await this.answer(event, name, Promise.resolve(result), log);
  }

  /** Sends the answer (dedupe key: the command's event id), then settles the ledger. */
  private async answer(
    event: MessageEvent,
    name: string,
    pending: Promise<Answer>,
    log: Logger,
  ): Promise<void> {
    const result = await pending;
    await this.deps.gateway.sendNotice(
      event.room_id,
      result.reply.plain,
      result.reply.html,
      event.event_id,
    );
    result.after?.();
    await this.deps.store.settleCommand(
      event.event_id,
      result.outcome,
      result.reply.plain.slice(0, 500),
    );
    this.deps.metrics.commands.inc({ command: name, outcome: result.outcome });
    log.info({ command: name, outcome: result.outcome }, "command handled");
  }

  private async run(
    name: CommandName,
    args: string[],
    rest: string,
    force: boolean,
    event: MessageEvent,
    log: Logger,
  ): Promise<Outcome> {
    const { actions } = this.deps;
    const room = event.room_id;
    try {
      if (name === "feed") {
        if (!this.deps.feeds) return refuse("Feeds are not available on this server.");
        return await this.deps.feeds.run(room, event.sender, rest, log);
      }
      if (!READ_ONLY.has(name)) {
        const refusal = await actions.checkPower(
          room,
          event.sender,
          name === "pin" || name === "unpin",
        );
        if (refusal) return outcomeOf(refusal);
      }
      switch (name) {
        case "help":
          return done(HELP_TEXT);
        case "pad":
          return outcomeOf(
            await actions.addPad(room, rest.replace(/\s*--force\b/, ""), event.sender),
          );
        case "meet":
          return outcomeOf(await actions.addConference(room, event.sender, force));
        case "widget": {
          const [url, ...nameParts] = args;
          const name = nameParts.length ? nameParts.join(" ") : undefined;
          return outcomeOf(await actions.addPage(room, url, name, event.sender, event.event_id));
        }
        case "widgets":
          return await this.list(room);
        case "remove":
          return outcomeOf(await actions.remove(room, rest, event.sender));
        case "pin":
          return outcomeOf(await actions.pin(room, rest));
        case "unpin":
          return outcomeOf(await actions.pin(room, rest, false));
        case "autoconference":
          return await this.autoConference(room, args[0]);
      }
    } catch (error: unknown) {
      if (error instanceof UserFacingError) {
        return { outcome: error.outcome, reply: reply(error.humanMessage) };
      }
      log.error({ err: error }, "command failed");
      return { outcome: "failed", reply: reply(describeFailure(error)) };
    }
  }

  private async list(roomId: string): Promise<Outcome> {
    const rows = await this.deps.store.widgetsInRoom(roomId);
    if (rows.length === 0)
      return done("Atrium has placed no widgets in this room. `!help` shows how.");
    const publicUrl = this.deps.config.web.publicUrl;
    const lines = rows.map((r) =>
      r.kind === "jitsi"
        ? `• ${r.name} (conference)`
        : `• ${r.name} (${r.kind === "etherpad" ? "pad" : r.url}): ${workspaceUrl(publicUrl, roomId, r.widget_id)}`,
    );
    return done(
      `Widgets Atrium placed here:\n${lines.join("\n")}\n` +
        `All of them, in any Matrix client: ${workspaceUrl(publicUrl, roomId)}`,
    );
  }

  private async autoConference(roomId: string, value: string | undefined): Promise<Outcome> {
    const map: Record<string, boolean | null> = { on: true, off: false, default: null };
    if (value === undefined || !(value in map)) {
      return refuse(
        "Use `!autoconference on`, `!autoconference off` or `!autoconference default`.",
      );
    }
    await this.deps.store.setAutoConference(roomId, map[value] ?? null);
    const effective = map[value] ?? this.deps.config.jitsi.autoConference;
    return done(
      `Automatic conference is ${effective ? "on" : "off"} in this room${map[value] === null ? " (the deployment default)" : ""}.`,
    );
  }
}

function done(text: string): Outcome {
  return { outcome: "done", reply: reply(text) };
}

function outcomeOf(result: ActionResult): Outcome {
  return { outcome: result.ok ? "done" : "refused", reply: reply(result.message) };
}

function refuse(text: string): Outcome {
  return { outcome: "refused", reply: reply(text) };
}
