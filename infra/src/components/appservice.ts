/** The Atrium appservice, built from services/appservice/Dockerfile. */
import * as path from "node:path";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { LIVEKIT_API_KEY, matrixRtcEnabled, matrixRtcUrls } from "../calls";
import type { StackSettings } from "../config";
import { APPSERVICE_IMAGE_REPO } from "../images";
import { sourceHash } from "../source-hash";
import { renderAppserviceConfigYaml } from "../render/appservice-config";
import { dataVolume, serviceContainer } from "./container";
import { DATABASES, HOSTS, JITSI_JWT_APP_ID, PORTS } from "./names";
import type { Networks } from "./networks";
import type { Secrets } from "./secrets";

/** Inputs of {@link Appservice}. */
export interface AppserviceArgs {
  readonly settings: StackSettings;
  readonly networks: Networks;
  readonly secrets: Secrets;
  /** The registration Synapse loads: the same file is mounted here. */
  readonly registrationYaml: pulumi.Input<string>;
  readonly synapseUrl: string;
  readonly etherpadUrl: string;
  /** Repository root, the Docker build context. */
  readonly repoRoot: string;
}

/** Where the rendered files are mounted (the image's default `-c`/`-f` paths too). */
export const APPSERVICE_PATHS = {
  config: "/config/config.yaml",
  registration: "/config/registration.yaml",
  /** The appservice's state volume (the image makes it the node user's). */
  data: "/data",
  /** The bot's crypto store (keys, device id, key stream position): on the state volume. */
  cryptoStore: "/data/e2ee/crypto.sqlite",
} as const;

/** The Docker volume that holds the appservice's state (the crypto store). */
export const APPSERVICE_VOLUME = "atrium-appservice-data";

/** Where the appservice reaches Synapse, Etherpad and its database. */
export interface AppserviceUpstreams {
  readonly synapseUrl: string;
  readonly etherpadUrl: string;
  readonly database: { readonly host: string; readonly port: number; readonly sslMode?: string };
}

/** The appservice's config.yaml for either target (secret: tokens, API key, DB password). */
export function atriumConfigYaml(
  c: StackSettings,
  s: Secrets,
  urls: AppserviceUpstreams,
): pulumi.Output<string> {
  return pulumi
    .all([
      s.get("atriumDbPassword"),
      s.get("etherpadApiKey"),
      s.get("jitsiVerifyToken"),
      s.get("jitsiJwtSecret"),
      s.get("cryptoStorePassphrase"),
      s.get("livekitApiSecret"),
    ])
    .apply(([dbPassword, apiKey, verifyToken, jwtSecret, storePassphrase, livekitSecret]) =>
      renderAppserviceConfigYaml({
        homeserver: { url: urls.synapseUrl, domain: c.domain },
        appservice: { port: PORTS.appservice, bindAddress: "0.0.0.0" },
        web: {
          port: PORTS.appserviceWeb,
          bindAddress: "0.0.0.0",
          publicUrl: `https://${c.padDomain}`,
        },
        databaseUrl: `postgres://${DATABASES.atrium.owner}:${encodeURIComponent(dbPassword)}@${urls.database.host}:${urls.database.port}/${DATABASES.atrium.name}${urls.database.sslMode === undefined ? "" : `?sslmode=${urls.database.sslMode}`}`,
        etherpad: { url: urls.etherpadUrl, publicUrl: `https://${c.padDomain}`, apiKey },
        jitsi: {
          domain: c.jitsiDomain,
          auth: c.jitsiAuth,
          verifyToken,
          jwtAppId: JITSI_JWT_APP_ID,
          jwtSecret,
          elementUrl: c.elementWeb ? `https://${c.elementDomain}` : undefined,
        },
        bot: { localpart: "atrium", displayName: "Atrium" },
        aliases: { padPrefix: "pad_", meetPrefix: "meet_" },
        conferenceAtThirdMember: c.conferenceAtThirdMember,
        encryption: { storePassphrase, storePath: APPSERVICE_PATHS.cryptoStore },
        integrationManager: {
          port: PORTS.appserviceIm,
          bindAddress: "0.0.0.0",
          publicUrl: `https://${c.imDomain}`,
        },
        ...(matrixRtcEnabled(c)
          ? {
              calls: {
                url: matrixRtcUrls(c).sfuUrl,
                apiUrl: matrixRtcUrls(c).sfuApiUrl,
                apiKey: LIVEKIT_API_KEY,
                apiSecret: livekitSecret,
              },
            }
          : {}),
      }),
    );
}

/**
 * The appservice on the private networks: Synapse reaches its appservice port, prosody its
 * `/verify` route, and the proxy only its `/atrium/*` pad pages and its integration manager
 * listener (9002, published on the IM domain). No port is published on the host.
 */
export class Appservice extends pulumi.ComponentResource {
  readonly configYaml: pulumi.Output<string>;
  /** The state volume (the bot's crypto store), for the backups. */
  readonly data: docker.Volume;

  constructor(name: string, args: AppserviceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("atrium:infra:Appservice", name, {}, opts);
    const { settings: c, secrets: s } = args;
    this.configYaml = atriumConfigYaml(c, s, {
      synapseUrl: args.synapseUrl,
      etherpadUrl: args.etherpadUrl,
      database: { host: HOSTS.postgres, port: PORTS.postgres },
    });
    const image = new docker.Image(
      `${name}-image`,
      {
        imageName: `${APPSERVICE_IMAGE_REPO}:${sourceHash(args.repoRoot)}`,
        build: {
          context: args.repoRoot,
          dockerfile: path.join(args.repoRoot, "services", "appservice", "Dockerfile"),
          // No platform: the Docker engine that builds it (DOCKER_HOST) builds for itself, so an
          // arm64 host gets an arm64 image instead of one it can only run under emulation.
        },
        skipPush: true,
      },
      { parent: this },
    );
    // One writer per crypto store: one container, its state on a named volume kept on delete.
    const data = dataVolume(`${name}-data`, APPSERVICE_VOLUME, { parent: this });
    this.data = data;
    serviceContainer(
      name,
      {
        name: HOSTS.appservice,
        volumes: [{ volume: data, path: APPSERVICE_PATHS.data }],
        image: image.imageName,
        networks: [{ network: args.networks.services }, { network: args.networks.database }],
        envs: ["NODE_ENV=production"],
        // The image's entrypoint is `node dist/main.js`; these are its -c and -f.
        command: ["-c", APPSERVICE_PATHS.config, "-f", APPSERVICE_PATHS.registration],
        uploads: [
          { path: APPSERVICE_PATHS.config, content: this.configYaml },
          { path: APPSERVICE_PATHS.registration, content: args.registrationYaml },
        ],
        healthcheck: [
          "CMD",
          "node",
          "-e",
          `fetch("http://127.0.0.1:${PORTS.appservice}/health").then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`,
        ],
      },
      { parent: this },
    );
    this.registerOutputs({});
  }
}
