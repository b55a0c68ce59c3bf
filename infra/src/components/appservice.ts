/** The Atrium appservice, built from services/appservice/Dockerfile. */
import * as path from "node:path";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { APPSERVICE_IMAGE_REPO } from "../images";
import { sourceHash } from "../source-hash";
import { appserviceSpec } from "../services/appservice";
import { dataVolume } from "./container";
import { specContainer } from "./from-spec";
import { HOSTS, PORTS } from "./names";
import type { StackArgs } from "./stack-args";

/** Inputs of {@link Appservice}. */
export interface AppserviceArgs extends StackArgs {
  /** The registration Synapse loads: the same file is mounted here. */
  readonly registrationYaml: pulumi.Input<string>;
  readonly synapseUrl: string;
  readonly etherpadUrl: string;
  /** Repository root, the Docker build context. */
  readonly repoRoot: string;
}

/** The Docker volume that holds the appservice's state (the crypto store). */
export const APPSERVICE_VOLUME = "atrium-appservice-data";

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
    const spec = appserviceSpec(c, s, {
      image: `${APPSERVICE_IMAGE_REPO}:${sourceHash(args.repoRoot)}`,
      upstreams: {
        synapseUrl: args.synapseUrl,
        etherpadUrl: args.etherpadUrl,
        database: { host: HOSTS.postgres, port: PORTS.postgres },
      },
      registrationYaml: args.registrationYaml,
    });
    this.configYaml = spec.configYaml;
    const image = new docker.Image(
      `${name}-image`,
      {
        imageName: spec.image,
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
    specContainer(
      name,
      spec,
      {
        image: image.imageName,
        networks: [{ network: args.networks.services }, { network: args.networks.database }],
        volumes: spec.stateDirs.map((path) => ({ volume: data, path })),
      },
      this,
    );
    this.registerOutputs({});
  }
}
