/**
 * Synapse as both targets run it: image, `SYNAPSE_CONFIG_PATH`, homeserver.yaml and the Atrium
 * registration (the file the appservice mounts too, so both sides hold the same tokens), the
 * client port and the /health check. Where it runs (database, paths, workers) is the target's.
 */
import * as pulumi from "@pulumi/pulumi";
import { matrixRtcEnabled, matrixRtcUrls } from "../calls";
import { DATABASES, HOSTS, PORTS } from "../components/names";
import type { Secrets } from "../components/secrets";
import type { StackSettings } from "../config";
import { renderHomeserverYaml, type HomeserverOptions } from "../render/homeserver";
import { ATRIUM_NAMES, renderRegistrationYaml } from "../render/registration";
import type { ServiceSpec } from "./spec";

/**
 * The Atrium appservice's registration, the same file for Synapse and the appservice (both
 * targets: the appservice's Service and container share the name `atrium-appservice`).
 */
export function atriumRegistrationYaml(c: StackSettings, s: Secrets): pulumi.Output<string> {
  return pulumi.all([s.get("asToken"), s.get("hsToken")]).apply(([asToken, hsToken]) =>
    renderRegistrationYaml({
      ...ATRIUM_NAMES,
      url: `http://${HOSTS.appservice}:${PORTS.appservice}`,
      asToken,
      hsToken,
      domain: c.domain,
      calls: matrixRtcEnabled(c),
    }),
  );
}

/** The TURN URIs Synapse hands clients (coturn on `turnDomain`, UDP and TCP). */
export function turnUris(c: StackSettings): string[] {
  return [
    `turn:${c.turnDomain}:${c.turnPort}?transport=udp`,
    `turn:${c.turnDomain}:${c.turnPort}?transport=tcp`,
  ];
}

/** Where a target runs Synapse: its database connection, file paths and (Kubernetes) workers. */
export interface SynapsePlacement {
  db: { host: string; port: number; sslMode?: string };
  /** The folder holding homeserver.yaml and the registration. */
  configDir: string;
  /** The signing key and media store (registrations follow from `configDir`). */
  paths: Omit<HomeserverOptions["paths"], "registrations">;
  workers?: HomeserverOptions["workers"];
}

/**
 * homeserver.yaml from the stack's settings and secrets, for either target (Docker host or
 * Kubernetes); only the placement differs.
 */
export function homeserverYamlFor(
  c: StackSettings,
  s: Secrets,
  place: SynapsePlacement,
): pulumi.Output<string> {
  return pulumi
    .all([
      s.get("synapseDbPassword"),
      s.get("turnSharedSecret"),
      s.get("registrationSharedSecret"),
      s.get("macaroonSecretKey"),
      s.get("formSecret"),
    ])
    .apply(([dbPassword, turnSecret, registrationSecret, macaroon, form]) =>
      renderHomeserverYaml({
        serverName: c.domain,
        publicBaseUrl: `https://${c.homeserverDomain}/`,
        listener: { port: PORTS.synapse, bindAddresses: ["0.0.0.0"] },
        database: {
          kind: "postgres",
          host: place.db.host,
          port: place.db.port,
          database: DATABASES.synapse.name,
          user: DATABASES.synapse.owner,
          password: dbPassword,
          ...(place.db.sslMode === undefined ? {} : { sslMode: place.db.sslMode }),
        },
        paths: { ...place.paths, registrations: [`${place.configDir}/${REGISTRATION_FILE}`] },
        turn: { uris: turnUris(c), sharedSecret: turnSecret },
        registrationSharedSecret: registrationSecret,
        macaroonSecretKey: macaroon,
        formSecret: form,
        ...(place.workers ? { workers: place.workers } : {}),
        ...(matrixRtcEnabled(c) ? { matrixRtc: matrixRtcUrls(c) } : {}),
      }),
    );
}

/** The registration's file name beside homeserver.yaml. */
export const REGISTRATION_FILE = "atrium-registration.yaml";

/** Synapse's spec plus its two rendered files (both secret). */
export interface SynapseSpec extends ServiceSpec {
  readonly homeserverYaml: pulumi.Output<string>;
  readonly registrationYaml: pulumi.Output<string>;
  /** The full path of homeserver.yaml. */
  readonly configPath: string;
}

/** Synapse as `place` runs it; the targets add their start command, volumes and workers. */
export function synapseSpec(c: StackSettings, s: Secrets, place: SynapsePlacement): SynapseSpec {
  const homeserverYaml = homeserverYamlFor(c, s, place);
  const registrationYaml = atriumRegistrationYaml(c, s);
  const configPath = `${place.configDir}/homeserver.yaml`;
  return {
    name: "synapse",
    image: c.images.synapse,
    args: [],
    env: { SYNAPSE_CONFIG_PATH: configPath },
    files: [
      { dir: place.configDir, name: "homeserver.yaml", content: homeserverYaml },
      { dir: place.configDir, name: REGISTRATION_FILE, content: registrationYaml },
    ],
    ports: [{ name: "http", port: PORTS.synapse, protocol: "tcp" }],
    stateDirs: [],
    health: { http: { path: "/health", port: "http" } },
    homeserverYaml,
    registrationYaml,
    configPath,
  };
}
