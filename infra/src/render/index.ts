/**
 * The pure config-file renderers, importable without running the Pulumi program:
 * `import { renderHomeserverYaml } from "@atrium/infra/render"`.
 */
export * from "./appservice-config";
export * from "./caddyfile";
export * from "./element-config";
export * from "./etherpad-settings";
export * from "./homeserver";
export * from "./postgres-init";
export * from "./postgres-roles";
export * from "./registration";
export * from "./haproxy";
export * from "./livekit";
export * from "./synapse-workers";
export * from "./turnserver";
export * from "./well-known";
export * from "./backup";
