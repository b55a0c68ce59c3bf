/**
 * Etherpad as both targets run it: a mounted settings.json (rendered whole, so every setting
 * Atrium relies on is in one reviewed file rather than spread over the image's variables), the
 * API key in APIKEY.txt, the HTTP port and the /health check. Pads live in Postgres.
 */
import * as pulumi from "@pulumi/pulumi";
import { DATABASES, PORTS } from "../components/names";
import type { Secrets } from "../components/secrets";
import type { StackSettings } from "../config";
import { renderEtherpadSettings } from "../render/etherpad-settings";
import { nodeFetchCheck, type ServiceSpec } from "./spec";

/** Etherpad's install directory in the official image. */
export const ETHERPAD_ROOT = "/opt/etherpad-lite";

/** Where a target's Etherpad finds Postgres; `ssl` asks for TLS to it. */
export interface EtherpadDb {
  readonly host: string;
  readonly port: number;
  readonly ssl?: boolean;
}

/** Etherpad's spec plus its rendered settings.json (secret: database and admin passwords). */
export interface EtherpadSpec extends ServiceSpec {
  readonly settingsJson: pulumi.Output<string>;
  /** The folder Etherpad writes (its only entry in `stateDirs`). */
  readonly varDir: string;
}

/** Etherpad on the database `db`; its state folder is `var` under the install directory. */
export function etherpadSpec(c: StackSettings, s: Secrets, db: EtherpadDb): EtherpadSpec {
  const settingsJson = pulumi
    .all([s.get("etherpadDbPassword"), s.get("etherpadAdminPassword")])
    .apply(([dbPassword, adminPassword]) =>
      renderEtherpadSettings({
        ip: "0.0.0.0",
        port: PORTS.etherpad,
        database: {
          type: "postgres",
          host: db.host,
          port: db.port,
          database: DATABASES.etherpad.name,
          user: DATABASES.etherpad.owner,
          password: dbPassword,
          ...(db.ssl === true ? { ssl: true } : {}),
        },
        adminPassword,
        trustProxy: true,
      }),
    );
  return {
    name: "etherpad",
    image: c.images.etherpad,
    args: [],
    // No NODE_ENV/TRUST_PROXY: the image sets NODE_ENV=production itself, and TRUST_PROXY
    // only feeds the image's own settings.json, which the mounted one replaces.
    env: {},
    // Both sit in the install tree beside the image's own files.
    files: [
      { dir: ETHERPAD_ROOT, name: "settings.json", content: settingsJson, amongImageFiles: true },
      // Read verbatim: a trailing newline would become part of the key.
      {
        dir: ETHERPAD_ROOT,
        name: "APIKEY.txt",
        content: s.get("etherpadApiKey"),
        amongImageFiles: true,
      },
    ],
    ports: [{ name: "http", port: PORTS.etherpad, protocol: "tcp" }],
    stateDirs: [`${ETHERPAD_ROOT}/var`],
    varDir: `${ETHERPAD_ROOT}/var`,
    health: {
      http: { path: "/health", port: "http" },
      // The image has no curl. Etherpad 2.x's health endpoint (draft-inadarei-api-health-check)
      // answers 200 once it serves.
      inside: nodeFetchCheck(PORTS.etherpad, "/health"),
    },
    settingsJson,
  };
}
