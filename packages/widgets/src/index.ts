// @atrium/widgets: Matrix widget and layout state events, widget ids, URL and name rules.
// Pure functions only: nothing here does I/O.
export * from "./element-edit";
export * from "./events";
export * from "./ids";
export * from "./layout";
export * from "./layout-rules";
export * from "./parse";
export * from "./parse-layout";
export { WidgetInputError, type Validation } from "./result";
export * from "./validate-names";
export * from "./validate-url";
export { atriumErrorMap } from "./zod-errors";
export type * from "./im-api";
export type * from "./workspace-api";
export { CALL_BUTTON_HINT } from "./call-hint";
