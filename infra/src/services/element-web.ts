/**
 * Element Web as both targets run it: the image's static files and Atrium's config.json (no
 * secret), nginx on `port`, healthy once it serves config.json. It keeps no data.
 */
import * as pulumi from "@pulumi/pulumi";
import { matrixRtcEnabled } from "../calls";
import type { StackSettings } from "../config";
import { renderElementConfig } from "../render/element-config";
import type { ServiceSpec } from "./spec";

/** Element Web's spec plus its rendered config.json. */
export interface ElementWebSpec extends ServiceSpec {
  readonly configJson: string;
}

/**
 * Element Web for this homeserver, this Jitsi and Atrium's integration manager and pages. Since
 * v1.11.90 the image's nginx runs as `USER nginx` and listens on ELEMENT_WEB_PORT (80 unless
 * set; element-hq/element-web#29020), so the port a target picks is set there.
 */
export function elementWebSpec(c: StackSettings, port: number): ElementWebSpec {
  const configJson = renderElementConfig({
    homeserverUrl: `https://${c.homeserverDomain}`,
    serverName: c.domain,
    jitsiDomain: c.jitsiDomain,
    integrationManagerUrl: `https://${c.imDomain}`,
    widgetPagesUrl: `https://${c.padDomain}`,
    elementCall: matrixRtcEnabled(c),
  });
  return {
    name: "element-web",
    image: c.images.elementWeb,
    args: [],
    env: { ELEMENT_WEB_PORT: String(port) },
    // /app is the image's web root: config.json joins its files.
    files: [
      {
        dir: "/app",
        name: "config.json",
        content: pulumi.output(configJson),
        amongImageFiles: true,
      },
    ],
    ports: [{ name: "http", port, protocol: "tcp" }],
    stateDirs: [],
    // The image is nginx:alpine-slim's: busybox wget, no curl.
    health: {
      http: { path: "/config.json", port: "http" },
      inside: `wget -q -O /dev/null http://127.0.0.1:${port}/config.json || exit 1`,
    },
    configJson,
  };
}
