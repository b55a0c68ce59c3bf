/** What the public web listener is built from (doors/pages/server.ts). */
import type express from "express";
import type { Logger } from "pino";
import type { EtherpadClient } from "@atrium/etherpad";
import type { AtriumConfig } from "../../config/schema";
import type { Store } from "../../store/store";
import type { MatrixGateway } from "../../matrix/gateway";
import type { WorkspacePage } from "./room";

export interface WebDeps {
  config: AtriumConfig;
  store: Store;
  etherpad: EtherpadClient;
  gateway: MatrixGateway;
  log: Logger;
  /** Routes of other parts (the calls' legacy token endpoint and SFU webhook), before the 404. */
  extraRoutes?: (app: express.Express) => void;
  /** The workspace page per room (issue 21), when the app wires it. */
  workspacePage?: WorkspacePage;
}
