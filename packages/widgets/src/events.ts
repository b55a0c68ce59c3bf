import { FORBIDDEN_KEYS, WidgetInputError } from "./result";
import { validateWidgetName } from "./validate-names";
import { validateWidgetUrl } from "./validate-url";

/** The state event type Element reads and writes room widgets as (state key = widget id). */
export const WIDGET_EVENT_TYPE = "im.vector.modular.widgets";
/** Element's room widget layout state event (state key ""). */
export const LAYOUT_EVENT_TYPE = "io.element.widgets.layout";

/** Widget type strings Atrium sends. Element sends the legacy `jitsi` for Jitsi widgets. */
export const WIDGET_TYPES = { etherpad: "m.etherpad", jitsi: "jitsi", custom: "m.custom" } as const;

/** Content of an `im.vector.modular.widgets` state event, as Atrium writes it. */
export interface WidgetContent {
  id: string;
  type: string;
  url: string;
  name: string;
  creatorUserId: string;
  data: Record<string, unknown>;
  waitForIframeLoad: boolean;
  avatar_url?: string;
}

/** The `data` Element needs to render a Jitsi widget (it ignores the event's URL). */
export interface JitsiWidgetFields {
  domain: string;
  conferenceId: string;
  isAudioOnly: boolean;
  roomName: string;
  /** Set only when the Jitsi deployment checks Matrix OpenID tokens. */
  auth?: "openidtoken-jwt";
  startWithAudioMuted?: boolean;
  startWithVideoMuted?: boolean;
  isVideoChannel?: boolean;
}

/** What every widget builder needs. */
export interface WidgetOptions {
  /** The widget id; the caller must use it as the state key too. */
  id: string;
  /** The Matrix user id that creates the widget (usually the appservice bot). */
  creatorUserId: string;
  /** Display name, 1–64 characters. */
  name: string;
  /** Template URL (http or https; `$matrix_room_id`-style variables allowed). */
  url: string;
  /** Optional icon: an `mxc://` URI or an https URL; sent as `avatar_url`. */
  avatarUrl?: string;
}

/**
 * Builds an Etherpad widget (`type: "m.etherpad"`; Element shows it as a plain iframe).
 *
 * @throws WidgetInputError when an option is malformed (empty id, bad user id, bad URL or name).
 */
export function etherpadWidget(
  opts: WidgetOptions & { data?: Record<string, unknown> },
): WidgetContent {
  return build(WIDGET_TYPES.etherpad, opts, opts.data ?? {}, true);
}

/**
 * Builds a Jitsi widget the way Element does (`type: "jitsi"`), with `data` carrying the
 * conference fields Element renders from.
 *
 * @throws WidgetInputError when an option or a Jitsi field is malformed.
 */
export function jitsiWidget(opts: WidgetOptions & { data: JitsiWidgetFields }): WidgetContent {
  const fields = opts.data;
  if (fields === null || typeof fields !== "object") {
    throw new WidgetInputError("jitsiWidget: data with the Jitsi fields is required.");
  }
  for (const key of ["domain", "conferenceId", "roomName"] as const) {
    if (typeof fields[key] !== "string" || fields[key].trim() === "") {
      throw new WidgetInputError(`jitsiWidget: data.${key} must be a non-empty string.`);
    }
  }
  if (/[\s/?#@]/u.test(fields.domain)) {
    throw new WidgetInputError(
      `jitsiWidget: data.domain ${JSON.stringify(fields.domain)} must be a host name, not a URL.`,
    );
  }
  if (!/^[A-Za-z0-9_-]{1,512}$/.test(fields.conferenceId)) {
    throw new WidgetInputError(
      "jitsiWidget: data.conferenceId must be 1–512 letters, digits, - or _ (use jitsiConferenceId).",
    );
  }
  if (typeof fields.isAudioOnly !== "boolean") {
    throw new WidgetInputError("jitsiWidget: data.isAudioOnly must be true or false.");
  }
  if (fields.auth !== undefined && fields.auth !== "openidtoken-jwt") {
    throw new WidgetInputError('jitsiWidget: data.auth must be "openidtoken-jwt" or left out.');
  }
  const data: Record<string, unknown> = {
    domain: fields.domain,
    conferenceId: fields.conferenceId,
    isAudioOnly: fields.isAudioOnly,
    roomName: fields.roomName,
  };
  for (const key of ["startWithAudioMuted", "startWithVideoMuted", "isVideoChannel"] as const) {
    const value = fields[key];
    if (value === undefined) continue;
    if (typeof value !== "boolean") {
      throw new WidgetInputError(`jitsiWidget: data.${key} must be true, false or left out.`);
    }
    data[key] = value;
  }
  if (fields.auth !== undefined) data.auth = fields.auth;
  return build(WIDGET_TYPES.jitsi, opts, data, true);
}

/**
 * Builds a generic web-page widget (`type: "m.custom"`).
 *
 * @param opts.waitForIframeLoad default `true`: the client starts the widget API when the
 *   iframe loads; `false` waits for the page to say it is ready.
 * @throws WidgetInputError when an option is malformed.
 */
export function customWidget(
  opts: WidgetOptions & { data?: Record<string, unknown>; waitForIframeLoad?: boolean },
): WidgetContent {
  const wait = opts.waitForIframeLoad ?? true;
  if (typeof wait !== "boolean") {
    throw new WidgetInputError("customWidget: waitForIframeLoad must be true, false or left out.");
  }
  return build(WIDGET_TYPES.custom, opts, opts.data ?? {}, wait);
}

/**
 * The content that removes a widget: send it with the same event type and state key. Element
 * does the same, and ignores widget events whose content lacks `type` or `url`.
 */
export function removedWidgetContent(): Record<string, never> {
  return {};
}

/** Checks a widget id for use as a state key and in URLs. */
export function assertWidgetId(id: unknown, where: string): asserts id is string {
  if (typeof id !== "string" || !/^[A-Za-z0-9._~-]{1,255}$/.test(id) || FORBIDDEN_KEYS.has(id)) {
    throw new WidgetInputError(
      `${where}: widget id ${JSON.stringify(id)} must be 1–255 letters, digits, . _ ~ or - (use newWidgetId).`,
    );
  }
}

function build(
  type: string,
  opts: WidgetOptions,
  data: Record<string, unknown>,
  waitForIframeLoad: boolean,
): WidgetContent {
  const where = `${type} widget`;
  if (opts === null || typeof opts !== "object") {
    throw new WidgetInputError(`${where}: options are required.`);
  }
  assertWidgetId(opts.id, where);
  if (typeof opts.creatorUserId !== "string" || !/^@[^\s:]+:\S+$/u.test(opts.creatorUserId)) {
    throw new WidgetInputError(
      `${where}: creatorUserId ${JSON.stringify(opts.creatorUserId)} must be a Matrix user id like "@bot:example.org".`,
    );
  }
  const name = validateWidgetName(opts.name);
  if (!name.ok) throw new WidgetInputError(`${where}: ${name.reason}`);
  const url = validateWidgetUrl(opts.url);
  if (!url.ok) throw new WidgetInputError(`${where}: ${url.reason}`);
  if (data === null || typeof data !== "object" || Array.isArray(data)) {
    throw new WidgetInputError(`${where}: data must be an object.`);
  }
  const badKey = Object.keys(data).find((key) => FORBIDDEN_KEYS.has(key));
  if (badKey !== undefined) {
    throw new WidgetInputError(
      `${where}: data must not have a key named ${JSON.stringify(badKey)}.`,
    );
  }
  const content: WidgetContent = {
    id: opts.id,
    type,
    url: url.value,
    name: name.value,
    creatorUserId: opts.creatorUserId,
    data: { ...data },
    waitForIframeLoad,
  };
  if (opts.avatarUrl !== undefined) {
    const avatar = opts.avatarUrl;
    const ok =
      typeof avatar === "string" &&
      (/^mxc:\/\/[^\s/]+\/[^\s/]+$/u.test(avatar) || validateWidgetUrl(avatar).ok);
    if (!ok) {
      throw new WidgetInputError(`${where}: avatarUrl must be an mxc:// URI or an http(s) URL.`);
    }
    content.avatar_url = avatar;
  }
  return content;
}
