/**
 * The crypto stand-in as a module of its own, for module systems that do not go through
 * Node's loader (jest maps `@matrix-org/matrix-sdk-crypto-nodejs` here when, and only when,
 * the real binding fails to load on this machine; see jest.preset.js).
 */
import { unavailable } from "./crypto-optional";

export = unavailable("its native binary is not installed on this machine");
