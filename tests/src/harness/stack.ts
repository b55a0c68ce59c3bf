/** Synapse and Etherpad started together, and the `stack.json` that describes a running stack. */
import { promises as fs } from "node:fs";
import * as path from "node:path";
import { startEtherpad, type EtherpadHandle, type StartEtherpadOptions } from "./etherpad";
import { startSynapse, type StartSynapseOptions, type SynapseHandle } from "./synapse";

/** Options of {@link startStack}. */
export interface StartStackOptions {
  /** Appservice registration files Synapse loads (added to `synapse.appserviceRegistrations`). */
  appserviceRegistrations?: string[];
  synapse?: StartSynapseOptions;
  etherpad?: StartEtherpadOptions;
}

/** A running Synapse + Etherpad pair. */
export interface StackHandle {
  synapse: SynapseHandle;
  etherpad: EtherpadHandle;
  /** Stops both (in parallel); safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Starts Synapse and Etherpad in parallel. If either fails, the other is stopped before the
 * error is rethrown, so a failed start leaves no process behind.
 */
export async function startStack(opts: StartStackOptions = {}): Promise<StackHandle> {
  const registrations = [
    ...(opts.synapse?.appserviceRegistrations ?? []),
    ...(opts.appserviceRegistrations ?? []),
  ];
  const [synapse, etherpad] = await Promise.allSettled([
    startSynapse({ ...opts.synapse, appserviceRegistrations: registrations }),
    startEtherpad(opts.etherpad),
  ]);
  if (synapse.status === "rejected" || etherpad.status === "rejected") {
    await Promise.all([
      synapse.status === "fulfilled" ? synapse.value.stop() : undefined,
      etherpad.status === "fulfilled" ? etherpad.value.stop() : undefined,
    ]);
    throw synapse.status === "rejected"
      ? synapse.reason
      : (etherpad as PromiseRejectedResult).reason;
  }
  let stopping: Promise<void> | null = null;
  return {
    synapse: synapse.value,
    etherpad: etherpad.value,
    stop: () =>
      (stopping ??= Promise.all([synapse.value.stop(), etherpad.value.stop()]).then(
        () => undefined,
      )),
  };
}

/** What `.atrium/dev/stack.json` holds: enough for a script or test to use a running stack. */
export interface StackInfo {
  homeserverUrl: string;
  serverName: string;
  registrationSharedSecret: string;
  etherpadUrl: string;
  etherpadApiKey: string;
  /** Where Synapse sends transactions (the registration's `url`). */
  appserviceUrl: string;
  /** Where browsers reach the appservice's pages (same as appserviceUrl locally). */
  publicUrl: string;
  botUserId: string;
  demoUser: { userId: string; password: string };
  /** Atrium's integration manager: the two URLs Element's config.json takes. */
  integrationManager?: { uiUrl: string; restUrl: string };
  /**
   * MatrixRTC calls: the SFU URL announced to clients, the SFU API stand-in Atrium talks to, and
   * the legacy token endpoint (`rtc_foci` `livekit_service_url`).
   */
  calls?: { sfuUrl: string; sfuApiStandinUrl: string; livekitServiceUrl: string };
}

/** Writes {@link StackInfo} as JSON (mode 0600: it holds secrets), creating the folder. */
export async function writeStackJson(file: string, info: StackInfo): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, `${JSON.stringify(info, null, 2)}\n`, { mode: 0o600 });
}

/** Reads a stack.json written by {@link writeStackJson}. */
export async function readStackJson(file: string): Promise<StackInfo> {
  return JSON.parse(await fs.readFile(file, "utf8")) as StackInfo;
}
