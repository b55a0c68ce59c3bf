/**
 * The per-file fixture of the integration tests: what a test file runs against (the stack,
 * users, rooms, browsers, side servers) is built once before its tests and stopped after them.
 * Start, stop and their order live here, so a file says only what its world holds.
 */
import { startAtrium, type AtriumStack, type StartAtriumOptions, type TestUser } from "./atrium";

/** How a world's builder starts things that must be stopped when the file is done. */
export interface WorldScope {
  /** Runs `stop` after the file's tests: the last registered runs first. */
  onStop(stop: () => unknown): void;
  /** Starts the stack ({@link startAtrium}) and stops it after the file's tests. */
  atrium(opts?: StartAtriumOptions): Promise<AtriumStack>;
}

/** Time a world may take to start (Synapse, Etherpad, the appservice, sometimes Chromium). */
const START_TIMEOUT_MS = 240_000;

/**
 * Builds the file's world in `beforeAll` and stops everything registered with `onStop` in
 * `afterAll`, every stop tried even when one fails. Returns the object `build` resolves to,
 * filled in by `beforeAll`: read its fields inside hooks and tests, not at load time.
 */
export function useWorld<T extends object>(build: (scope: WorldScope) => Promise<T>): T {
  const world = {} as T;
  const stops: Array<() => unknown> = [];
  const scope: WorldScope = {
    onStop: (stop) => stops.push(stop),
    async atrium(opts) {
      const stack = await startAtrium(opts);
      stops.push(() => stack.stop());
      return stack;
    },
  };
  beforeAll(async () => {
    Object.assign(world, await build(scope));
  }, START_TIMEOUT_MS);
  afterAll(async () => {
    const errors: unknown[] = [];
    for (const stop of stops.reverse()) {
      try {
        await stop();
      } catch (error: unknown) {
        errors.push(error);
      }
    }
    if (errors.length > 0) throw errors[0];
  });
  return world;
}

/**
 * The common world: one stack (`opts` as {@link startAtrium}'s) and what `build` adds to it
 * (users, rooms, clients), as `{ stack, ...built }`.
 */
export function useAtrium<T extends object = Record<never, never>>(
  opts: StartAtriumOptions = {},
  build: (stack: AtriumStack, scope: WorldScope) => Promise<T> = async () => ({}) as T,
): T & { stack: AtriumStack } {
  return useWorld(async (scope) => {
    const stack = await scope.atrium(opts);
    return { ...(await build(stack, scope)), stack };
  });
}

/** Registers one user per name, in order (see `AtriumStack.user`), as `{ [name]: user }`. */
export async function users<N extends string>(
  stack: AtriumStack,
  ...names: N[]
): Promise<Record<N, TestUser>> {
  const registered = {} as Record<N, TestUser>;
  for (const name of names) registered[name] = await stack.user(name);
  return registered;
}
