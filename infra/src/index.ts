/**
 * The Pulumi program: reads the stack config once and composes one component per service.
 * Its exports are the stack outputs.
 */
import * as path from "node:path";
import { loadStackConfig } from "./config";
import { Appservice } from "./components/appservice";
import { Backup } from "./components/backup";
import { ElementWeb } from "./components/element-web";
import { Etherpad } from "./components/etherpad";
import { Jitsi } from "./components/jitsi";
import { HOSTS, PORTS } from "./components/names";
import { Networks } from "./components/networks";
import { Postgres } from "./components/postgres";
import { Proxy } from "./components/proxy";
import { Secrets } from "./components/secrets";
import { Synapse, SYNAPSE_PATHS } from "./components/synapse";
import { Turn } from "./components/turn";

const { settings, secrets: providedSecrets } = loadStackConfig();
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
const etherpad = new Etherpad("etherpad", base);
new Appservice("appservice", {
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
  ],
});

/** Public URLs of the stack. */
export const urls = {
  element: settings.elementWeb ? `https://${settings.elementDomain}` : undefined,
  homeserver: `https://${settings.homeserverDomain}`,
  jitsi: `https://${settings.jitsiDomain}`,
  pads: `https://${settings.padDomain}`,
  integrationManager: `https://${settings.imDomain}`,
};
/** The Matrix server name (user IDs end in `:<serverName>`). */
export const serverName = settings.domain;
/** TURN URIs handed to clients by Synapse. */
export const turnUris = [
  `turn:${settings.turnDomain}:${settings.turnPort}?transport=udp`,
  `turn:${settings.turnDomain}:${settings.turnPort}?transport=tcp`,
];
/** Creates the first admin account (asks for a password). */
export const createAdminCommand = `docker exec -it ${HOSTS.synapse} register_new_matrix_user -c ${SYNAPSE_PATHS.config} -a -u admin http://localhost:${PORTS.synapse}`;
/** Makes a backup now; `pnpm backup` in infra/ runs it. */
export const backupCommand = `docker exec ${HOSTS.backup} sh /atrium-backup/backup.sh`;
/** Ports the host firewall must open. */
export const publicPorts = [
  "80/tcp",
  "443/tcp",
  "443/udp",
  `${settings.turnPort}/udp`,
  `${settings.turnPort}/tcp`,
  `${settings.turnRelayMinPort}-${settings.turnRelayMaxPort}/udp`,
  `${settings.jvbPort}/udp`,
];
