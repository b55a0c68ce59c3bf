/**
 * One text per IndexedDB key, the same for every two keys IndexedDB considers equal.
 *
 * The mirror table is keyed by it, so a put and a later delete of the same key meet in the
 * same row. v8.serialize cannot serve: it writes a string as one-byte or two-byte depending on
 * how V8 happens to hold it, so one key could get two rows. Keys here are already IndexedDB's
 * own canonical keys (numbers, strings, Dates, ArrayBuffers and arrays of these).
 */
export function keyId(key: unknown): string {
  if (typeof key === "number") {
    // 0 and -0 are the same key.
    return `n${key === 0 ? "0" : String(key)}`;
  }
  if (typeof key === "string") return `s${JSON.stringify(key)}`;
  if (Array.isArray(key)) return `a[${key.map(keyId).join(",")}]`;
  // Realm-safe checks: under Jest the key may come from another realm's constructors.
  const tag = Object.prototype.toString.call(key);
  if (tag === "[object Date]") return `d${(key as Date).getTime()}`;
  if (tag === "[object ArrayBuffer]") {
    return `b${Buffer.from(key as ArrayBuffer).toString("hex")}`;
  }
  if (ArrayBuffer.isView(key)) {
    return `b${Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString("hex")}`;
  }
  throw new TypeError(`not an IndexedDB key: ${tag}`);
}
