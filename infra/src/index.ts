/**
 * The Pulumi program: reads the stack config once and deploys the stack to the target it names
 * (`atrium:target`: one Docker host, the default, or a Kubernetes cluster). Its exports are the
 * stack outputs.
 */
import { loadStackConfig } from "./config";
import { turnUris as synapseTurnUris } from "./services/synapse";
import { deployDocker } from "./docker-program";
import { deployKubernetes } from "./kubernetes/program";

const config = loadStackConfig();
const { settings } = config;
const deployed = settings.target === "kubernetes" ? deployKubernetes(config) : deployDocker(config);

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
export const turnUris = synapseTurnUris(settings);
/** Creates the first admin account (asks for a password). */
export const createAdminCommand = deployed.createAdminCommand;
/** Makes a backup now (on Docker, `pnpm backup` in infra/ runs it). */
export const backupCommand = deployed.backupCommand;
/** Ports the firewall must open (where, on Kubernetes). */
export const publicPorts = deployed.publicPorts;
/** Where the stack runs. */
export const target = settings.target;
