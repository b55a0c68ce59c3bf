// @atrium/tests: the local-stack harness, for tools and other test suites.
export {
  startAtrium,
  type AtriumStack,
  type StartAtriumOptions,
  type TestUser,
} from "./harness/atrium";
export { startSynapse, type SynapseHandle, type StartSynapseOptions } from "./harness/synapse";
export { startEtherpad, type EtherpadHandle, type StartEtherpadOptions } from "./harness/etherpad";
export { startStack, readStackJson, writeStackJson, type StackInfo } from "./harness/stack";
export { MatrixClient, MatrixError } from "./harness/matrix-client";
export { registerUser, loginUser, ensureUser, clientFor } from "./harness/users";
export { startDev, devOptionsFromEnv, type DevOptions } from "./dev";
