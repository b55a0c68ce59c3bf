/**
 * The Kubernetes target: composes one component per service in the stack's namespace, as
 * index.ts does for the Docker host. Returns the stack outputs.
 */
import * as k8s from "@pulumi/kubernetes";
import { matrixRtcEnabled } from "../calls";
import type { StackConfig } from "../config";
import { PORTS } from "../components/names";
import { Secrets } from "../components/secrets";
import { Appservice, Etherpad } from "./apps";
import { ElementWeb } from "./element-web";
import { Backup, BACKUP_CRONJOB } from "./backup";
import { Ingress } from "./ingress";
import { Jitsi } from "./jitsi";
import { Livekit } from "./livekit";
import type { KubeContext } from "./meta";
import { NetworkPolicies } from "./network-policies";
import { Postgres } from "./postgres";
import { Router } from "./router";
import { KUBE_SYNAPSE_PATHS, Synapse, SYNAPSE_PREFIX } from "./synapse";
import { Turn } from "./turn";

/** What the Kubernetes program exports beyond the URLs both targets share. */
export interface KubernetesOutputs {
  readonly createAdminCommand: string;
  readonly backupCommand: string;
  readonly publicPorts: string[];
  readonly namespace: string;
}

export function deployKubernetes(config: StackConfig): KubernetesOutputs {
  const { settings } = config;
  const k = settings.kubernetes;
  if (k === undefined) throw new Error("target kubernetes without atrium:kubernetes settings");
  const namespace = new k8s.core.v1.Namespace("namespace", {
    metadata: { name: k.namespace, labels: { "app.kubernetes.io/part-of": "atrium" } },
  });
  const secrets = new Secrets("secrets", config.secrets);
  const ctx: KubeContext = { settings, k, secrets, namespace: namespace.metadata.name };
  const postgres = new Postgres("postgres", ctx);
  const after = [postgres.roles];
  const synapse = new Synapse("synapse", ctx, { db: postgres.connection, after });
  const router = new Router("router", ctx, synapse);
  new Turn("turn", ctx);
  new Jitsi("jitsi", ctx);
  // Element Call's SFU; Atrium (the appservice) is its authorisation service.
  if (matrixRtcEnabled(settings)) new Livekit("livekit", ctx);
  const etherpad = new Etherpad("etherpad", ctx, { db: postgres.connection, after });
  new Appservice("appservice", ctx, {
    db: postgres.connection,
    // Through the router, so the appservice's client calls reach the workers that own them.
    synapseUrl: router.internalUrl,
    etherpadUrl: etherpad.internalUrl,
    registrationYaml: synapse.registrationYaml,
    after,
  });
  if (settings.elementWeb) new ElementWeb("element-web", ctx);
  new Ingress("ingress", ctx);
  new NetworkPolicies("network-policies", ctx);
  new Backup("backup", ctx);
  const ns = `-n ${k.namespace}`;
  return {
    namespace: k.namespace,
    createAdminCommand: `kubectl ${ns} exec -it ${SYNAPSE_PREFIX}-main-0 -- register_new_matrix_user -c ${KUBE_SYNAPSE_PATHS.config} -a -u admin http://localhost:8008`,
    backupCommand: `kubectl ${ns} create job --from=cronjob/${BACKUP_CRONJOB} ${BACKUP_CRONJOB}-now`,
    publicPorts: [
      "80/tcp and 443/tcp on the ingress controller",
      `${settings.turnPort}/udp, ${settings.turnPort}/tcp and ${settings.turnRelayMinPort}-${settings.turnRelayMaxPort}/udp on nodes labelled ${k.turnNodeLabel}`,
      k.jvb.mode === "hostPort"
        ? `${settings.jvbPort}/udp on nodes labelled ${k.jvb.nodeLabel}`
        : `${settings.jvbPort}-${settings.jvbPort + k.jvb.replicas - 1}/udp on the videobridge LoadBalancers`,
      ...(matrixRtcEnabled(settings)
        ? [
            `${PORTS.livekitRtcTcp}/tcp and ${PORTS.livekitRtcUdp}/udp on the node labelled ${k.sfuNodeLabel} (the SFU)`,
          ]
        : []),
    ],
  };
}
