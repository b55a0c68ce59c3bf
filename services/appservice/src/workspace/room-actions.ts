/**
 * What a person may ask Atrium to do in a room, with the checks that go with it: the same for
 * both front doors, the `!commands` typed in the room and the integration manager. Each action
 * checks power (the sender's and the bot's) and input first, then goes through the Workspace;
 * a refusal says why and what to do, and changes nothing.
 */
import {
  LAYOUT_EVENT_TYPE,
  WIDGET_EVENT_TYPE,
  validatePadName,
  validateWidgetName,
  validateWidgetUrl,
} from "@atrium/widgets";
import { humanMembers } from "../matrix/events/members";
import { powerContextFrom, stateLevel, userLevel, type PowerContext } from "../matrix/power";
import type { StateEvent } from "../matrix/gateway";
import { confirmRefusal } from "../matrix/state-cache";
import type { WidgetRow } from "../store/store";
import { UserFacingError } from "./user-error";
import { workspaceUrl } from "../doors/pages/room/links";
import type { Workspace, WorkspaceDeps } from "./workspace";
import { callButtonHint } from "../doors/calls/hint";

/** Why an action was refused; the front doors map it to a reply or an HTTP status. */
export type RefusalKind = "power" | "bot-power" | "invalid" | "few-members" | "not-found";

export type ActionResult =
  | { ok: true; message: string; row?: WidgetRow }
  | { ok: false; kind: RefusalKind; message: string; neededLevel?: number };

/** Who may change widgets in a room, read from its state. */
export interface WidgetPower {
  ctx: PowerContext;
  /** Level for `im.vector.modular.widgets`. */
  neededLevel: number;
  /** Level for `io.element.widgets.layout` (pinning). */
  layoutLevel: number;
}

/** Reads the widget and layout levels from a room's state. */
export function widgetPower(state: StateEvent[]): WidgetPower {
  const ctx = powerContextFrom(state);
  return {
    ctx,
    neededLevel: stateLevel(ctx.powerLevels, WIDGET_EVENT_TYPE),
    layoutLevel: stateLevel(ctx.powerLevels, LAYOUT_EVENT_TYPE),
  };
}

function refused(kind: RefusalKind, message: string, neededLevel?: number): ActionResult {
  return neededLevel === undefined
    ? { ok: false, kind, message }
    : { ok: false, kind, message, neededLevel };
}

export class RoomActions {
  constructor(
    private readonly deps: Pick<WorkspaceDeps, "config" | "store" | "gateway"> & {
      workspace: Workspace;
    },
  ) {}

  /**
   * Null when both `userId` and the bot may write widgets (and, with `layoutToo`, the layout);
   * otherwise the refusal, naming the levels involved.
   */
  async checkPower(
    roomId: string,
    userId: string,
    layoutToo: boolean,
  ): Promise<ActionResult | null> {
    return confirmRefusal(
      this.deps.gateway,
      roomId,
      () => this.decidePower(roomId, userId, layoutToo),
      (refusal) => refusal !== null,
      userId,
    );
  }

  private async decidePower(
    roomId: string,
    userId: string,
    layoutToo: boolean,
  ): Promise<ActionResult | null> {
    const power = widgetPower(await this.deps.gateway.roomState(roomId));
    const needed = layoutToo ? Math.max(power.neededLevel, power.layoutLevel) : power.neededLevel;
    const level = userLevel(power.ctx, userId);
    if (level < needed) {
      return refused(
        "power",
        `Changing widgets here needs power level ${needed}; you have ${level}. Ask a room moderator.`,
        needed,
      );
    }
    const bot = this.deps.gateway.botUserId;
    const botLevel = userLevel(power.ctx, bot);
    if (botLevel < needed) {
      return refused(
        "bot-power",
        `I need power level ${needed} to change widgets in this room (I have ${botLevel}). ` +
          `Grant it in the room settings (Roles & Permissions) or with \`/op ${bot} ${needed}\`, then try again.`,
        needed,
      );
    }
    return null;
  }

  /** The widget on the room's workspace page, the way in for clients without widgets. */
  private linkTo(roomId: string, widgetId: string): string {
    return workspaceUrl(this.deps.config.web.publicUrl, roomId, widgetId);
  }

  /** `!pad <name>`: the room's pad of that name (created, or brought back from the archive). */
  async addPad(roomId: string, rawName: string, by: string): Promise<ActionResult> {
    const check = validatePadName(rawName);
    if (!check.ok) return refused("invalid", `${check.reason} Nothing was created.`);
    const row = await this.deps.workspace.addPad(roomId, check.value, by);
    return {
      ok: true,
      row,
      message:
        `Added the pad "${row.name}". Open it in any Matrix client: ${this.linkTo(roomId, row.widget_id)} ` +
        "(Element also shows it among the room's widgets). Only members of this room can open it.",
    };
  }

  /** `!meet`: the room's conference; below three people only with `force`. */
  async addConference(roomId: string, by: string, force: boolean): Promise<ActionResult> {
    const members = humanMembers(await this.deps.gateway.joinedMembers(roomId), this.deps.config);
    if (members.length < 3 && !force) {
      return refused(
        "few-members",
        // People, not members: Element counts the bot too ("2 members" beside "1 person").
        `This room has ${members.length} ${members.length === 1 ? "person" : "people"} (and Atrium's bot). For two people a direct call fits better: ` +
          (this.deps.config.calls.enabled
            ? "use the call button in the room header (every client can join it). "
            : "use the call button (it connects you directly). ") +
          "Jitsi is for three or more participants. " +
          "To add the conference anyway, send `!meet --force`.",
      );
    }
    const nameEvent = await this.deps.gateway.getState(roomId, "m.room.name", "");
    const roomName =
      typeof nameEvent?.name === "string" && nameEvent.name ? nameEvent.name : "Conference";
    const row = await this.deps.workspace.addConference(roomId, by, roomName);
    return {
      ok: true,
      row,
      message: [
        "Added the conference. Everyone joins with the microphone muted — press `m` to unmute.",
        callButtonHint(this.deps.config.calls),
      ]
        .filter(Boolean)
        .join(" "),
    };
  }

  /**
   * `!widget <url> [name]`: any http(s) page. `seed` makes the widget id: the command's event
   * id, or the URL for the integration manager (adding the same page again updates it).
   */
  async addPage(
    roomId: string,
    rawUrl: string | undefined,
    rawName: string | undefined,
    by: string,
    seed: string,
  ): Promise<ActionResult> {
    if (!rawUrl)
      return refused("invalid", "Give the page's address: `!widget <https://…> [name]`.");
    const url = validateWidgetUrl(rawUrl, { refusePrivateAddresses: true });
    if (!url.ok) return refused("invalid", `${url.reason} Nothing was added.`);
    const name = validateWidgetName(rawName?.trim() ? rawName : new URL(url.value).hostname);
    if (!name.ok) return refused("invalid", `${name.reason} Nothing was added.`);
    const row = await this.deps.workspace.addCustom(roomId, url.value, name.value, by, seed);
    return {
      ok: true,
      row,
      message: `Added the widget "${name.value}". Open it in any Matrix client: ${this.linkTo(roomId, row.widget_id)}`,
    };
  }

  /** `!remove <name>`: the widget leaves the room; a pad is archived, as configured. */
  async remove(roomId: string, nameOrId: string, by: string): Promise<ActionResult> {
    if (!nameOrId)
      return refused(
        "invalid",
        "Say which widget to remove: `!remove <name>`. `!widgets` lists them.",
      );
    return this.found(async () => {
      const row = await this.deps.workspace.remove(roomId, nameOrId, by);
      const kept = row.kind === "etherpad" && this.deps.config.etherpad.onWidgetRemoved === "keep";
      return {
        ok: true,
        row,
        message: `Removed "${row.name}".${kept ? " The pad's text is archived, not deleted." : ""}`,
      };
    });
  }

  /** `!pin <name>` and `!unpin <name>`: the widget at the top of the room, or back. */
  async pin(roomId: string, nameOrId: string, pinned = true): Promise<ActionResult> {
    if (!nameOrId) {
      const verb = pinned ? "pin" : "unpin";
      return refused(
        "invalid",
        `Say which widget to ${verb}: \`!${verb} <name>\`. \`!widgets\` lists them.`,
      );
    }
    return this.found(async () => {
      const row = await this.deps.workspace.pin(roomId, nameOrId, pinned);
      return {
        ok: true,
        row,
        message: pinned
          ? `Pinned "${row.name}" to the top of the room.`
          : `Unpinned "${row.name}"; it is back among the room's widgets.`,
      };
    });
  }

  /** Runs a step that looks a widget up; "no such widget" becomes a refusal. */
  private async found(step: () => Promise<ActionResult>): Promise<ActionResult> {
    try {
      return await step();
    } catch (error: unknown) {
      if (error instanceof UserFacingError && error.outcome === "refused") {
        return refused("not-found", error.humanMessage);
      }
      throw error;
    }
  }
}
