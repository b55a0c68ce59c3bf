/**
 * What the bundle takes from `@atrium/widgets`: only the pure validators the server also runs
 * (the package index would pull in zod schemas and node:crypto). vite.config.mts points the
 * `@atrium/widgets` import here; type imports are erased, so they still come from the package.
 */
export { validatePadName, validateWidgetName } from "../../../packages/widgets/src/validate-names";
export { validateWidgetUrl } from "../../../packages/widgets/src/validate-url";
export { CALL_BUTTON_HINT } from "../../../packages/widgets/src/call-hint";
