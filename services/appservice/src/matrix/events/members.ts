import type { AtriumConfig } from "../../config/schema";

/** Joined members that are people: not Atrium's bot nor its namespaced users. */
export function humanMembers(members: string[], config: AtriumConfig): string[] {
  const bot = `@${config.bot.localpart}:${config.homeserver.domain}`;
  const ns = `@${config.bot.localpart}_`;
  return members.filter((m) => m !== bot && !m.startsWith(ns));
}
