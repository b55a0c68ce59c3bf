// @atrium/jitsi: conference ids, Element-compatible Jitsi widget data, URLs and JWT helpers.
export { JitsiInputError } from "./errors";
export * from "./jwt";
export * from "./url";
export * from "./widget-data";
