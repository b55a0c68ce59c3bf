/**
 * The bot's direct messages for signing in: one DM room per person, created once (recorded in
 * the store) and reused, encrypted from the start when the bot can encrypt. The bot only ever
 * writes to someone who shares a room with it (a room other than these DM rooms), so nobody can
 * use Atrium to message strangers.
 */
import type { Logger } from "pino";
import { errcodeOf } from "../../../matrix/errors";
import type { MatrixGateway, MessageSender } from "../../../matrix/gateway";
import { escapeHtml } from "../../../util/html";
import { formatCode, SIGN_IN_SECONDS } from "./sign-in-book";
import { signInLink } from "./links";
import type { WorkspacePageStore } from "./store";

/** What the DMs need of the homeserver, as the bot. */
export interface DmPort
  extends Pick<MatrixGateway, "botUserId" | "getState" | "createRoom">, MessageSender {
  /** Rooms the bot is joined to. */
  joinedRooms(): Promise<string[]>;
  invite(roomId: string, userId: string): Promise<void>;
}

export interface DirectMessageDeps {
  port: DmPort;
  store: Pick<WorkspacePageStore, "dmRoomOf" | "dmRooms" | "saveDmRoom">;
  publicUrl: string;
  /** Create DM rooms encrypted (the bot encrypts what it sends there). */
  encrypt: boolean;
  log: Logger;
}

/**
 * Clients must not preview the link (a preview request would carry the URL, fragment and all,
 * to the homeserver's logs): MSC4095's empty bundle, and Element Web's per-message hint.
 */
const NO_PREVIEWS = {
  "com.beeper.linkpreviews": [],
  "m.url_previews": [],
  "uk.half-shot.unstable.show_url_previews": false,
};

/** When a first "shares no room" is checked again (a join may be on its way to Atrium). */
export const RECHECK_AFTER_MS = 3000;

export class DirectMessages {
  /** One DM room creation at a time per person. */
  private readonly creating = new Map<string, Promise<string>>();

  constructor(private readonly deps: DirectMessageDeps) {}

  /** Whether `userId` is joined to a room the bot is in (its sign-in DM rooms aside). */
  async sharesRoom(userId: string): Promise<boolean> {
    const [rooms, dms] = await Promise.all([
      this.deps.port.joinedRooms(),
      this.deps.store.dmRooms(),
    ]);
    for (const roomId of rooms) {
      if (dms.has(roomId)) continue;
      try {
        const member = await this.deps.port.getState(roomId, "m.room.member", userId);
        if (member?.membership === "join") return true;
      } catch (error: unknown) {
        // A room the bot is leaving or cannot read says nothing about this person.
        if (errcodeOf(error) !== "M_FORBIDDEN" && errcodeOf(error) !== "M_NOT_FOUND") throw error;
      }
    }
    return false;
  }

  /**
   * Sends the code and the link to `userId`, if they share a room with the bot; otherwise sends
   * nothing. Never logs the code, the link or the person's ID.
   */
  async sendSignIn(userId: string, code: string, linkToken: string): Promise<boolean> {
    // Room state is read from a cache that hears of joins a moment after they happen: someone
    // who joined a second ago is looked for again once, after the join has reached Atrium.
    const shares =
      (await this.sharesRoom(userId)) ||
      (await new Promise((r) => setTimeout(r, RECHECK_AFTER_MS)).then(() =>
        this.sharesRoom(userId),
      ));
    if (!shares) {
      this.deps.log.info("sign-in asked for someone who shares no room with the bot: no DM");
      return false;
    }
    const roomId = await this.dmRoom(userId);
    const link = signInLink(this.deps.publicUrl, linkToken);
    const minutes = Math.round(SIGN_IN_SECONDS / 60);
    const shown = formatCode(code);
    const plain =
      `Someone asked to sign in to Atrium's workspace page as you (${userId}).\n` +
      `Code: ${shown} (type it on the page where you asked)\n` +
      `Or open this link on this device: ${link}\n` +
      `Each works once, for ${minutes} minutes. If it was not you, ignore this: nobody can sign in as you without this message.`;
    const html =
      `Someone asked to sign in to Atrium's workspace page as you (<code>${escapeHtml(userId)}</code>).<br>` +
      `Code: <strong><code>${shown}</code></strong> (type it on the page where you asked)<br>` +
      `Or open this link on this device: <a href="${escapeHtml(link)}">sign in on this device</a><br>` +
      `Each works once, for ${minutes} minutes. If it was not you, ignore this: nobody can sign in as you without this message.`;
    await this.deps.port.sendMessage(roomId, {
      msgtype: "m.notice",
      body: plain,
      format: "org.matrix.custom.html",
      formatted_body: html,
      ...NO_PREVIEWS,
    });
    this.deps.log.info("sent a sign-in direct message");
    return true;
  }

  /** The person's DM room: the recorded one (inviting them again if they left), or a new one. */
  async dmRoom(userId: string): Promise<string> {
    const pending = this.creating.get(userId);
    if (pending) return pending;
    const work = this.findOrCreate(userId).finally(() => this.creating.delete(userId));
    this.creating.set(userId, work);
    return work;
  }

  private async findOrCreate(userId: string): Promise<string> {
    const known = await this.deps.store.dmRoomOf(userId);
    if (known && (await this.usable(known, userId))) return known;
    const roomId = await this.deps.port.createRoom({
      preset: "trusted_private_chat",
      is_direct: true,
      invite: [userId],
      name: "Atrium sign-in",
      topic: "Codes and links to sign in to Atrium's workspace pages.",
      initial_state: this.deps.encrypt
        ? [
            {
              type: "m.room.encryption",
              state_key: "",
              content: { algorithm: "m.megolm.v1.aes-sha2" },
            },
          ]
        : [],
    });
    await this.deps.store.saveDmRoom(userId, roomId);
    this.deps.log.info({ room_id: roomId }, "created a sign-in DM room");
    return roomId;
  }

  /** The recorded room still reaches the person: they are in it or invited (again). */
  private async usable(roomId: string, userId: string): Promise<boolean> {
    try {
      const member = await this.deps.port.getState(roomId, "m.room.member", userId);
      const membership = member?.membership;
      if (membership === "join" || membership === "invite") return true;
      if (membership === "ban") return false;
      await this.deps.port.invite(roomId, userId);
      return true;
    } catch (error: unknown) {
      this.deps.log.warn({ err: error, room_id: roomId }, "the sign-in DM room is gone; a new one");
      return false;
    }
  }
}
