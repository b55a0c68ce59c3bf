/**
 * Jest global setup for the integration tests (jest 29 runs it through the project's ts-jest
 * transform): the slow one-time installs, before any test file starts.
 */
import { ensureEtherpadInstalled } from "./install-etherpad";
import { ensureSynapseInstalled } from "./install-synapse";

/** Installs Synapse and Etherpad into the cache (no-ops when already there). */
export default async function globalSetup(): Promise<void> {
  const started = Date.now();
  await Promise.all([ensureSynapseInstalled(), ensureEtherpadInstalled()]);
  const ms = Date.now() - started;
  if (ms > 2000)
    console.log(`atrium: installed Synapse and Etherpad in ${Math.round(ms / 1000)} s`);
}
