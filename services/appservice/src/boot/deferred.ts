/** A value that exists later (the bot's crypto, opened after the listeners are up). */
export interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

export function deferred<T>(): Deferred<T> {
  const d = Promise.withResolvers<T>();
  // Nobody may be waiting when it fails (encryption off, or a start that fails first).
  d.promise.catch(() => undefined);
  return d;
}
