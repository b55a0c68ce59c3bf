/**
 * The Docker target: one component per service on one Docker host. Returns the outputs that
 * differ between targets; index.ts exports them.
 */
import * as path from "node:path";
import { matrixRtcEnabled } from "./calls";
import type { StackConfig } from "./config";
import { Appservice } from "./components/appservice";
import { Backup } from "./components/backup";
import { APPSERVICE_PATHS } from "./services/appservice";
import { ElementWeb } from "./components/element-web";
import { Etherpad } from "./components/etherpad";
import { Jitsi } from "./components/jitsi";
import { Livekit } from "./components/livekit";
import { HOSTS, PORTS } from "./components/names";
import { Networks } from "./components/networks";
import { Postgres } from "./components/postgres";
import { Proxy } from "./components/proxy";
import { Secrets } from "./components/secrets";
import { Synapse, SYNAPSE_PATHS } from "./components/synapse";
import { Turn } from "./components/turn";

/** What the Docker program exports beyond the URLs both targets share. */
export interface DockerOutputs {
  readonly createAdminCommand: string;
  readonly backupCommand: string;
  readonly publicPorts: string[];
}

export function deployDocker(config: StackConfig): DockerOutputs {
  const { settings, secrets: providedSecrets } = config;
  const repoRoot = path.resolve(__dirname, "..", "..");

  const networks = new Networks("networks");
  const secrets = new Secrets("secrets", providedSecrets);
  const base = { settings, networks, secrets };

  const postgres = new Postgres("postgres", {
    image: settings.images.postgres,
    networks,
    secrets,
  });
  const synapse = new Synapse("synapse", base);
  new Turn("turn", base);
  const jitsi = new Jitsi("jitsi", base);
  // Element Call's SFU; Atrium (the appservice) is its authorisation service.
  if (matrixRtcEnabled(settings)) new Livekit("livekit", base);
  const etherpad = new Etherpad("etherpad", base);
  const appservice = new Appservice("appservice", {
    ...base,
    registrationYaml: synapse.registrationYaml,
    synapseUrl: synapse.internalUrl,
    etherpadUrl: etherpad.internalUrl,
    repoRoot,
  });
  const element = settings.elementWeb
    ? new ElementWeb("element-web", { settings, networks })
    : undefined;
  const proxy = new Proxy("proxy", { settings, networks, elementUpstream: element?.upstream });
  new Backup("backup", {
    ...base,
    postgresImage: postgres.imageId,
    sources: [
      { name: "synapse-data", volume: synapse.data },
      ...(jitsi.prosodyData === undefined
        ? []
        : [{ name: "prosody-data", volume: jitsi.prosodyData }]),
      { name: "caddy-data", volume: proxy.data },
      // The bot's crypto store: without it a restore makes a new device (README, Encryption).
      // Its SQLite file is archived by the copy the appservice keeps consistent beside it.
      {
        name: "appservice-data",
        volume: appservice.data,
        sqlite: [path.posix.relative(APPSERVICE_PATHS.data, APPSERVICE_PATHS.cryptoStore)],
      },
    ],
  });

  return {
    createAdminCommand: `docker exec -it ${HOSTS.synapse} register_new_matrix_user -c ${SYNAPSE_PATHS.config} -a -u admin http://localhost:${PORTS.synapse}`,
    backupCommand: `docker exec ${HOSTS.backup} sh /atrium-backup/backup.sh`,
    publicPorts: [
      "80/tcp",
      "443/tcp",
      "443/udp",
      `${settings.turnPort}/udp`,
      `${settings.turnPort}/tcp`,
      `${settings.turnRelayMinPort}-${settings.turnRelayMaxPort}/udp`,
      `${settings.jvbPort}/udp`,
      ...(matrixRtcEnabled(settings)
        ? [`${PORTS.livekitRtcTcp}/tcp`, `${PORTS.livekitRtcUdp}/udp`]
        : []),
    ],
  };
}
