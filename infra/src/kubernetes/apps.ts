/**
 * The single-replica services on Kubernetes: Etherpad and the Atrium appservice (Element Web,
 * which may scale, is in element-web.ts).
 */
import * as pulumi from "@pulumi/pulumi";
import { HOSTS, PORTS } from "../components/names";
import { appserviceSpec } from "../services/appservice";
import { etherpadSpec } from "../services/etherpad";
import { specDeployment } from "./from-spec";
import { keptClaim, resources, scratch, type KubeContext } from "./meta";
import type { DbConnection } from "./postgres";

/** Etherpad's uid in the official image. */
const ETHERPAD_UID = 5001;

/**
 * Etherpad: exactly one replica, replaced with Recreate. Two Etherpads on one database corrupt
 * pads — ueberDB's write cache, the pad cache and socket.io rooms live in the process
 * (ether/etherpad#3335, #2826, #3680); scale by sharding pads over separate instances
 * (etherpad-proxy), not by replicas.
 */
export class Etherpad extends pulumi.ComponentResource {
  readonly internalUrl = `http://${HOSTS.etherpad}:${PORTS.etherpad}`;

  constructor(
    name: string,
    ctx: KubeContext,
    args: { db: DbConnection; after: pulumi.Resource[] },
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super("atrium:kubernetes:Etherpad", name, {}, opts);
    const spec = etherpadSpec(ctx.settings, ctx.secrets, {
      host: args.db.host,
      port: args.db.port,
      ssl: args.db.sslMode !== "disable",
    });
    specDeployment(
      ctx,
      name,
      spec,
      {
        replicas: "single",
        secretResource: `${name}-files`,
        user: ETHERPAD_UID,
        ownsVolumes: true,
        // Not read-only: Etherpad writes caches inside its install tree at start (guess: not
        // verified against 2.5.3, so the safer setting stays).
        readOnlyRoot: false,
        resources: resources("250m", "512Mi", "2Gi"),
        volumes: [scratch("var", spec.varDir, "256Mi")],
      },
      { parent: this, dependsOn: args.after },
    );
    this.registerOutputs({});
  }
}

/** The appservice image's user (`node`, uid 1000). */
const NODE_UID = 1000;

/**
 * The appservice: one replica, Recreate. Synapse sends an appservice one transaction at a
 * time, and the appservice's store lock refuses a second processor on one database; a rolling
 * update's surge pod would only wait on that lock.
 */
export class Appservice extends pulumi.ComponentResource {
  readonly configYaml: pulumi.Output<string>;

  constructor(
    name: string,
    ctx: KubeContext,
    args: {
      db: DbConnection;
      synapseUrl: string;
      etherpadUrl: string;
      registrationYaml: pulumi.Input<string>;
      after: pulumi.Resource[];
    },
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super("atrium:kubernetes:Appservice", name, {}, opts);
    const spec = appserviceSpec(ctx.settings, ctx.secrets, {
      image: ctx.k.appserviceImage,
      upstreams: {
        synapseUrl: args.synapseUrl,
        etherpadUrl: args.etherpadUrl,
        database: {
          host: args.db.host,
          port: args.db.port,
          ...(args.db.sslMode === "disable" ? {} : { sslMode: args.db.sslMode }),
        },
      },
      registrationYaml: args.registrationYaml,
    });
    this.configYaml = spec.configYaml;
    // The bot's crypto store (one writer: this single Recreate replica), kept on destroy.
    const data = keptClaim(ctx, `${name}-data`, "atrium-appservice-data", "1Gi", this);
    const claim = { name: "data", persistentVolumeClaim: { claimName: data.metadata.name } };
    specDeployment(
      ctx,
      name,
      spec,
      {
        replicas: "single",
        secretResource: `${name}-files`,
        user: NODE_UID,
        ownsVolumes: true,
        readOnlyRoot: true,
        resources: resources("100m", "256Mi", "1Gi"),
        volumes: [
          ...spec.stateDirs.map((mountPath) => ({
            volume: claim,
            mount: { name: "data", mountPath },
          })),
          scratch("tmp", "/tmp", "64Mi"),
        ],
      },
      { parent: this, dependsOn: args.after },
    );
    this.registerOutputs({});
  }
}
