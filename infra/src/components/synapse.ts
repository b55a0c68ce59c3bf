/** Synapse, with Atrium's registration and TURN settings. */
import type * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { matrixRtcEnabled, matrixRtcUrls } from "../calls";
import type { StackSettings } from "../config";
import { renderHomeserverYaml, type HomeserverOptions } from "../render/homeserver";
import { renderRegistrationYaml } from "../render/registration";
import { dataVolume, pinnedImage, serviceContainer } from "./container";
import { DATABASES, HOSTS, PORTS } from "./names";
import type { Networks } from "./networks";
import type { Secrets } from "./secrets";

/** Inputs of {@link Synapse}. */
export interface SynapseArgs {
  readonly settings: StackSettings;
  readonly networks: Networks;
  readonly secrets: Secrets;
}

/** Where the rendered files live inside the container (data stays on the volume at /data). */
export const SYNAPSE_PATHS = {
  config: "/config/homeserver.yaml",
  registration: "/config/atrium-registration.yaml",
  signingKey: "/data/signing.key",
  mediaStore: "/data/media_store",
} as const;

/**
 * The Atrium appservice's registration, the same file for Synapse and the appservice (both
 * targets: the appservice's Service and container share the name `atrium-appservice`).
 */
export function atriumRegistrationYaml(c: StackSettings, s: Secrets): pulumi.Output<string> {
  return pulumi.all([s.get("asToken"), s.get("hsToken")]).apply(([asToken, hsToken]) =>
    renderRegistrationYaml({
      id: "atrium",
      url: `http://${HOSTS.appservice}:${PORTS.appservice}`,
      asToken,
      hsToken,
      senderLocalpart: "atrium_appservice",
      botLocalpart: "atrium",
      domain: c.domain,
      userPrefix: "atrium_",
      aliasPrefixes: ["pad_", "meet_"],
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

/**
 * Synapse on both private networks (database and services). Its registration file is the one
 * the appservice mounts, so both sides hold the same tokens.
 */
/** Where a target runs Synapse: its database connection, file paths and (Kubernetes) workers. */
export interface SynapsePlacement {
  db: { host: string; port: number; sslMode?: string };
  paths: HomeserverOptions["paths"];
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
        paths: place.paths,
        turn: { uris: turnUris(c), sharedSecret: turnSecret },
        registrationSharedSecret: registrationSecret,
        macaroonSecretKey: macaroon,
        formSecret: form,
        ...(place.workers ? { workers: place.workers } : {}),
        ...(matrixRtcEnabled(c) ? { matrixRtc: matrixRtcUrls(c) } : {}),
      }),
    );
}

export class Synapse extends pulumi.ComponentResource {
  /** The registration YAML (secret: it carries as_token and hs_token). */
  readonly registrationYaml: pulumi.Output<string>;
  /** homeserver.yaml (secret: database password, shared secrets). */
  readonly homeserverYaml: pulumi.Output<string>;
  /** Internal URL of the client API. */
  readonly internalUrl = `http://${HOSTS.synapse}:${PORTS.synapse}`;
  /** The data volume: signing key and media store (backed up). */
  readonly data: docker.Volume;

  constructor(name: string, args: SynapseArgs, opts?: pulumi.ComponentResourceOptions) {
    super("atrium:infra:Synapse", name, {}, opts);
    const { settings: c, secrets: s } = args;
    this.registrationYaml = atriumRegistrationYaml(c, s);
    this.homeserverYaml = homeserverYamlFor(c, s, {
      db: { host: HOSTS.postgres, port: PORTS.postgres },
      paths: {
        signingKey: SYNAPSE_PATHS.signingKey,
        mediaStore: SYNAPSE_PATHS.mediaStore,
        registrations: [SYNAPSE_PATHS.registration],
      },
    });
    const image = pinnedImage(`${name}-image`, c.images.synapse, { parent: this });
    const data = dataVolume(`${name}-data`, "atrium-synapse-data", { parent: this });
    this.data = data;
    serviceContainer(
      name,
      {
        name: HOSTS.synapse,
        image: image.imageId,
        networks: [{ network: args.networks.services }, { network: args.networks.database }],
        envs: [`SYNAPSE_CONFIG_PATH=${SYNAPSE_PATHS.config}`],
        // A fresh volume belongs to root; start.py then drops to uid 991, which must own /data.
        entrypoints: [
          "/bin/sh",
          "-c",
          `chown 991:991 /data && exec /start.py run --config-path ${SYNAPSE_PATHS.config}`,
        ],
        volumes: [{ volume: data, path: "/data" }],
        uploads: [
          { path: SYNAPSE_PATHS.config, content: this.homeserverYaml },
          { path: SYNAPSE_PATHS.registration, content: this.registrationYaml },
        ],
        healthcheck: ["CMD", "curl", "-fSs", `http://localhost:${PORTS.synapse}/health`],
      },
      { parent: this },
    );
    this.registerOutputs({});
  }
}
