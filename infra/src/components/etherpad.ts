/** Etherpad: pads in Postgres, HTTP API by key, only reachable through Atrium's sessions. */
import * as pulumi from "@pulumi/pulumi";
import type { StackSettings } from "../config";
import { renderEtherpadSettings } from "../render/etherpad-settings";
import { dataVolume, pinnedImage, serviceContainer } from "./container";
import { DATABASES, HOSTS, PORTS } from "./names";
import type { Networks } from "./networks";
import type { Secrets } from "./secrets";

/** Inputs of {@link Etherpad}. */
export interface EtherpadArgs {
  readonly settings: StackSettings;
  readonly networks: Networks;
  readonly secrets: Secrets;
}

/** Etherpad's install directory in the official image. */
const ROOT = "/opt/etherpad-lite";

/**
 * Etherpad with a mounted settings.json (rendered whole, so every setting Atrium relies on is
 * in one reviewed file rather than spread over the image's variables) and the API key in
 * APIKEY.txt. The proxy publishes only what a pad page needs (see render/caddyfile.ts).
 */
export class Etherpad extends pulumi.ComponentResource {
  readonly settingsJson: pulumi.Output<string>;
  /** Internal URL the appservice calls the API on. */
  readonly internalUrl = `http://${HOSTS.etherpad}:${PORTS.etherpad}`;

  constructor(name: string, args: EtherpadArgs, opts?: pulumi.ComponentResourceOptions) {
    super("atrium:infra:Etherpad", name, {}, opts);
    const { settings: c, secrets: s } = args;
    this.settingsJson = pulumi
      .all([s.get("etherpadDbPassword"), s.get("etherpadAdminPassword")])
      .apply(([dbPassword, adminPassword]) =>
        renderEtherpadSettings({
          ip: "0.0.0.0",
          port: PORTS.etherpad,
          database: {
            type: "postgres",
            host: HOSTS.postgres,
            port: PORTS.postgres,
            database: DATABASES.etherpad.name,
            user: DATABASES.etherpad.owner,
            password: dbPassword,
          },
          adminPassword,
          trustProxy: true,
        }),
      );
    const image = pinnedImage(`${name}-image`, c.images.etherpad, { parent: this });
    const data = dataVolume(`${name}-var`, "atrium-etherpad-var", { parent: this });
    serviceContainer(
      name,
      {
        name: HOSTS.etherpad,
        image: image.imageId,
        networks: [{ network: args.networks.services }, { network: args.networks.database }],
        // No NODE_ENV/TRUST_PROXY: the image sets NODE_ENV=production itself, and TRUST_PROXY
        // only feeds the image's own settings.json, which the mounted one replaces.
        volumes: [{ volume: data, path: `${ROOT}/var` }],
        uploads: [
          { path: `${ROOT}/settings.json`, content: this.settingsJson },
          // Read verbatim: a trailing newline would become part of the key.
          { path: `${ROOT}/APIKEY.txt`, content: s.get("etherpadApiKey") },
        ],
        healthcheck: [
          "CMD",
          "node",
          "-e",
          // Etherpad 2.x's health endpoint (draft-inadarei-api-health-check): 200 once it serves.
          `fetch("http://127.0.0.1:${PORTS.etherpad}/health").then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`,
        ],
      },
      { parent: this },
    );
    this.registerOutputs({});
  }
}
