/**
 * The Atrium appservice as both targets run it: its config.yaml and Synapse's registration in
 * /config (the image's default `-c`/`-f` paths), the three listeners, the state folder with the
 * bot's crypto store, and /health. The targets bring the image (built here on Docker, pushed
 * to a registry for Kubernetes) and the upstream addresses.
 */
import * as pulumi from "@pulumi/pulumi";
import { LIVEKIT_API_KEY, matrixRtcEnabled, matrixRtcUrls } from "../calls";
import { DATABASES, JITSI_JWT_APP_ID, PORTS } from "../components/names";
import type { Secrets } from "../components/secrets";
import type { StackSettings } from "../config";
import { renderAppserviceConfigYaml } from "../render/appservice-config";
import { ATRIUM_NAMES } from "../render/registration";
import { nodeFetchCheck, type ServiceSpec } from "./spec";

/** The registration's alias namespaces, the pads' and the conferences'. */
const [PAD_PREFIX, MEET_PREFIX] = ATRIUM_NAMES.aliasPrefixes;

/** Where the rendered files are mounted (the image's default `-c`/`-f` paths too). */
export const APPSERVICE_PATHS = {
  configDir: "/config",
  config: "/config/config.yaml",
  registration: "/config/registration.yaml",
  /** The appservice's state folder (the image makes it the node user's). */
  data: "/data",
  /** The bot's crypto store (keys, device id, key stream position): in the state folder. */
  cryptoStore: "/data/e2ee/crypto.sqlite",
} as const;

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
        bot: { localpart: ATRIUM_NAMES.botLocalpart, displayName: "Atrium" },
        aliases: { padPrefix: PAD_PREFIX, meetPrefix: MEET_PREFIX },
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

/** Inputs of {@link appserviceSpec}. */
export interface AppserviceOptions {
  /** The image reference the target runs. */
  readonly image: string;
  readonly upstreams: AppserviceUpstreams;
  /** The registration Synapse loads: the same file is mounted here. */
  readonly registrationYaml: pulumi.Input<string>;
}

/** The appservice's spec plus its rendered config.yaml. */
export interface AppserviceSpec extends ServiceSpec {
  readonly configYaml: pulumi.Output<string>;
}

/** The appservice: one process (its store lock refuses a second on one database). */
export function appserviceSpec(c: StackSettings, s: Secrets, o: AppserviceOptions): AppserviceSpec {
  const configYaml = atriumConfigYaml(c, s, o.upstreams);
  const P = APPSERVICE_PATHS;
  return {
    name: "appservice",
    image: o.image,
    // The image's entrypoint is `node dist/main.js`; these are its -c and -f.
    args: ["-c", P.config, "-f", P.registration],
    env: { NODE_ENV: "production" },
    files: [
      { dir: P.configDir, name: "config.yaml", content: configYaml },
      { dir: P.configDir, name: "registration.yaml", content: pulumi.output(o.registrationYaml) },
    ],
    ports: [
      { name: "appservice", port: PORTS.appservice, protocol: "tcp" },
      { name: "web", port: PORTS.appserviceWeb, protocol: "tcp" },
      { name: "im", port: PORTS.appserviceIm, protocol: "tcp" },
    ],
    stateDirs: [P.data],
    // The image has Node, no curl.
    health: {
      http: { path: "/health", port: "appservice" },
      inside: nodeFetchCheck(PORTS.appservice, "/health"),
    },
    configYaml,
  };
}
