/**
 * Runs `!commands`. Each command event is claimed in the ledger first, so a retried
 * transaction or a restart never runs it twice; a claim left pending by a crash is resumed
 * (every step is idempotent) and the reply carries a dedupe key so it is sent once.
 */
import type { Logger } from "pino";
import {
  WIDGET_EVENT_TYPE,
  validatePadName,
  validateWidgetName,
  validateWidgetUrl,
} from "@atrium/widgets";
import { powerContextFrom, stateLevel, userLevel } from "../matrix/power";
import type { Workspace, WorkspaceDeps } from "../service/workspace";
import { UserFacingError } from "../service/user-error";
import { describeFailure } from "../service/describe";
import type { Metrics } from "../util/metrics";
import { HELP_TEXT, reply, type Reply } from "./reply";
import { parseCommand, type CommandName } from "./parse";
import { humanMembers } from "../events/members";

export interface MessageEvent {
  event_id: string;
  room_id: string;
  sender: string;
  content: { body?: unknown; msgtype?: unknown };
}

const READ_ONLY: ReadonlySet<CommandName> = new Set(["help", "widgets"]);

interface Outcome {
  outcome: "done" | "refused" | "failed";
  reply: Reply;
}

export class CommandHandler {
  constructor(
    private readonly deps: Omit<WorkspaceDeps, "etherpad"> & {
      workspace: Workspace;
      metrics: Metrics;
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
    await this.deps.gateway.sendNotice(
      event.room_id,
      result.reply.plain,
      result.reply.html,
      event.event_id,
    );
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
    try {
      if (!READ_ONLY.has(name)) {
        const refusal = await this.checkPower(event.room_id, event.sender, name === "pin");
        if (refusal) return refusal;
      }
      switch (name) {
        case "help":
          return done(HELP_TEXT);
        case "pad":
          return await this.pad(rest.replace(/\s*--force\b/, ""), event);
        case "meet":
          return await this.meet(event, force);
        case "widget":
          return await this.widget(args, event);
        case "widgets":
          return await this.list(event.room_id);
        case "remove": {
          if (!rest)
            return refuse("Say which widget to remove: `!remove <name>`. `!widgets` lists them.");
          const row = await this.deps.workspace.remove(event.room_id, rest, event.sender);
          const kept =
            row.kind === "etherpad" && this.deps.config.etherpad.onWidgetRemoved === "keep";
          return done(
            `Removed "${row.name}".${kept ? " The pad's text is archived, not deleted." : ""}`,
          );
        }
        case "pin": {
          if (!rest)
            return refuse("Say which widget to pin: `!pin <name>`. `!widgets` lists them.");
          const row = await this.deps.workspace.pin(event.room_id, rest);
          return done(`Pinned "${row.name}" to the top of the room.`);
        }
        case "autoconference":
          return await this.autoConference(event.room_id, args[0]);
      }
    } catch (error: unknown) {
      if (error instanceof UserFacingError) {
        return { outcome: error.outcome, reply: reply(error.humanMessage) };
      }
      log.error({ err: error }, "command failed");
      return { outcome: "failed", reply: reply(describeFailure(error)) };
    }
  }

  /** Null when both the sender and the bot may write widgets; otherwise the refusal. */
  private async checkPower(
    roomId: string,
    sender: string,
    layoutToo: boolean,
  ): Promise<Outcome | null> {
    const ctx = powerContextFrom(await this.deps.gateway.roomState(roomId));
    const pl = ctx.powerLevels;
    let needed = stateLevel(pl, WIDGET_EVENT_TYPE);
    if (layoutToo) needed = Math.max(needed, stateLevel(pl, "io.element.widgets.layout"));
    const senderLevel = userLevel(ctx, sender);
    if (senderLevel < needed) {
      return refuse(
        `Changing widgets here needs power level ${needed}; you have ${senderLevel}. Ask a room moderator.`,
      );
    }
    const bot = this.deps.gateway.botUserId;
    const botLevel = userLevel(ctx, bot);
    if (botLevel < needed) {
      return refuse(
        `I need power level ${needed} to change widgets in this room (I have ${botLevel}). ` +
          `Grant it in the room settings (Roles & Permissions) or with \`/op ${bot} ${needed}\`, then try again.`,
      );
    }
    return null;
  }

  private async pad(rawName: string, event: MessageEvent): Promise<Outcome> {
    const check = validatePadName(rawName);
    if (!check.ok) return refuse(`${check.reason} Nothing was created.`);
    const row = await this.deps.workspace.addPad(event.room_id, check.value, event.sender);
    return done(
      `Added the pad "${row.name}". Open it from the room's widgets; only members of this room can open it.`,
    );
  }

  private async meet(event: MessageEvent, force: boolean): Promise<Outcome> {
    const members = humanMembers(
      await this.deps.gateway.joinedMembers(event.room_id),
      this.deps.config,
    );
    if (members.length < 3 && !force) {
      return refuse(
        `This room has ${members.length} member${members.length === 1 ? "" : "s"}. For two people a direct call fits better: ` +
          "use the call button (it connects you directly). Jitsi is for three or more participants. " +
          "To add the conference anyway, send `!meet --force`.",
      );
    }
    const nameEvent = await this.deps.gateway.getState(event.room_id, "m.room.name", "");
    const roomName =
      typeof nameEvent?.name === "string" && nameEvent.name ? nameEvent.name : "Conference";
    await this.deps.workspace.addConference(event.room_id, event.sender, roomName);
    return done(
      "Added the conference. Everyone joins with the microphone muted — press `m` to unmute.",
    );
  }

  private async widget(args: string[], event: MessageEvent): Promise<Outcome> {
    const [rawUrl, ...nameParts] = args;
    if (!rawUrl) return refuse("Give the page's address: `!widget <https://…> [name]`.");
    const url = validateWidgetUrl(rawUrl, { refusePrivateAddresses: true });
    if (!url.ok) return refuse(`${url.reason} Nothing was added.`);
    const fallbackName = new URL(url.value).hostname;
    const name = validateWidgetName(nameParts.length ? nameParts.join(" ") : fallbackName);
    if (!name.ok) return refuse(`${name.reason} Nothing was added.`);
    await this.deps.workspace.addCustom(
      event.room_id,
      url.value,
      name.value,
      event.sender,
      event.event_id,
    );
    return done(`Added the widget "${name.value}".`);
  }

  private async list(roomId: string): Promise<Outcome> {
    const rows = await this.deps.store.widgetsInRoom(roomId);
    if (rows.length === 0)
      return done("Atrium has placed no widgets in this room. `!help` shows how.");
    const lines = rows.map(
      (r) =>
        `• ${r.name} (${r.kind === "etherpad" ? "pad" : r.kind === "jitsi" ? "conference" : r.url})`,
    );
    return done(`Widgets Atrium placed here:\n${lines.join("\n")}`);
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

function refuse(text: string): Outcome {
  return { outcome: "refused", reply: reply(text) };
}
