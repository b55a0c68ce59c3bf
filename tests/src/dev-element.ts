/**
 * Element for the dev stack: the config.json it serves and the keys that point Element at the
 * integration manager, and the check of an Element Web folder given with `ATRIUM_ELEMENT_WEB`.
 */
import { promises as fs } from "node:fs";
import * as path from "node:path";
import { integrationsWidgetsUrls } from "@atrium/widgets";
import type { StackInfo } from "./harness/stack";

/**
 * The config.json keys that point Element at the dev stack's integration manager; the widget
 * prefixes make Element offer "Edit" on Atrium's widgets (see `integrationsWidgetsUrls`).
 */
export function imConfigKeys(info: StackInfo): Record<string, unknown> {
  const im = info.integrationManager;
  if (!im) return {};
  return {
    integrations_ui_url: im.uiUrl,
    integrations_rest_url: im.restUrl,
    integrations_widgets_urls: integrationsWidgetsUrls({
      webPublicUrl: info.publicUrl,
      imUrl: im.restUrl.replace(/\/api$/, ""),
    }),
  };
}

/** The config.json of the Element Web the front door serves: this homeserver, this IM. */
export function devElementConfig(info: StackInfo, jitsiDomain: string): Record<string, unknown> {
  return {
    default_server_config: {
      "m.homeserver": { base_url: info.homeserverUrl, server_name: info.serverName },
    },
    disable_guests: true,
    brand: "Element (Atrium dev)",
    jitsi: { preferred_domain: jitsiDomain },
    ...imConfigKeys(info),
  };
}

/**
 * The absolute Element Web folder named by `raw` (`ATRIUM_ELEMENT_WEB`), or an error saying what
 * is wrong with it; undefined when unset.
 */
export async function elementWebDir(raw: string | undefined): Promise<string | undefined> {
  if (raw === undefined || raw === "") return undefined;
  const dir = path.resolve(raw);
  const index = await fs.stat(path.join(dir, "index.html")).catch(() => null);
  if (!index?.isFile()) {
    throw new Error(
      `atrium: ATRIUM_ELEMENT_WEB="${raw}" has no index.html; point it at an unpacked Element Web release (the folder with index.html and config.sample.json), or unset it`,
    );
  }
  return dir;
}
