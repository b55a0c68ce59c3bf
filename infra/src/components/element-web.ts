/** Element Web, configured for this homeserver and this Jitsi. */
import * as pulumi from "@pulumi/pulumi";
import { matrixRtcEnabled } from "../calls";
import type { StackSettings } from "../config";
import { renderElementConfig } from "../render/element-config";
import { pinnedImage, serviceContainer } from "./container";
import { HOSTS, PORTS } from "./names";
import type { Networks } from "./networks";

/** Inputs of {@link ElementWeb}. */
export interface ElementWebArgs {
  readonly settings: StackSettings;
  readonly networks: Networks;
}

/** Element Web's static files with our config.json; it keeps no data. */
export class ElementWeb extends pulumi.ComponentResource {
  readonly configJson: string;
  readonly upstream = `${HOSTS.elementWeb}:${PORTS.elementWeb}`;

  constructor(name: string, args: ElementWebArgs, opts?: pulumi.ComponentResourceOptions) {
    super("atrium:infra:ElementWeb", name, {}, opts);
    const c = args.settings;
    this.configJson = renderElementConfig({
      homeserverUrl: `https://${c.homeserverDomain}`,
      serverName: c.domain,
      jitsiDomain: c.jitsiDomain,
      integrationManagerUrl: `https://${c.imDomain}`,
      widgetPagesUrl: `https://${c.padDomain}`,
      elementCall: matrixRtcEnabled(c),
    });
    const image = pinnedImage(`${name}-image`, c.images.elementWeb, { parent: this });
    serviceContainer(
      name,
      {
        name: HOSTS.elementWeb,
        image: image.imageId,
        networks: [{ network: args.networks.services }],
        uploads: [{ path: "/app/config.json", content: this.configJson }],
        healthcheck: [
          "CMD-SHELL",
          `wget -q -O /dev/null http://127.0.0.1:${PORTS.elementWeb}/config.json || exit 1`,
        ],
      },
      { parent: this },
    );
    this.registerOutputs({});
  }
}
