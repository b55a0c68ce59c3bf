/** The reactions to room events, built for unit tests over the ports a test cares about. */
import { parseConfig } from "../config/load";
import type { MatrixGateway } from "../matrix/gateway";
import { Reactions } from "../matrix/events/reactions";
import type { Store } from "../store/store";
import type { EtherpadPort, Workspace } from "../workspace/workspace";
import { configInput } from "./config";

type ReactionDeps = ConstructorParameters<typeof Reactions>[0];

/**
 * Reactions on example.org over the given ports; a port left out is an empty stand-in, so a
 * test that reaches it fails loudly instead of passing by accident.
 */
export function reactionsWith(ports: Partial<ReactionDeps>): Reactions {
  return new Reactions({
    config: parseConfig(configInput("example.org")),
    store: {} as Store,
    gateway: { botUserId: "@atrium:example.org" } as unknown as MatrixGateway,
    workspace: {} as Workspace,
    etherpad: {} as EtherpadPort,
    ...ports,
  });
}
