// A bounded map whose entries expire: least recently used entries are evicted first when full.
// Time is passed in by the caller, so the cache itself never reads a clock.

interface Entry<V> {
  readonly value: V;
  readonly expiresAt: number;
}

export class TtlLruCache<V> {
  readonly #maxEntries: number;
  // A Map iterates in insertion order; re-inserting on every hit keeps the oldest use first.
  readonly #entries = new Map<string, Entry<V>>();

  constructor(maxEntries: number) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1)
      throw new RangeError(`maxEntries must be a positive integer, not ${maxEntries}`);
    this.#maxEntries = maxEntries;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The value stored under `key` if it has not expired at `now`. */
  get(key: string, now: number): V | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    this.#entries.delete(key);
    if (entry.expiresAt <= now) return undefined;
    this.#entries.set(key, entry);
    return entry.value;
  }

  /** Stores `value` until `expiresAt` (exclusive), evicting the least recently used entry if full. */
  set(key: string, value: V, expiresAt: number): void {
    this.#entries.delete(key);
    if (this.#entries.size >= this.#maxEntries) {
      const oldest = this.#entries.keys().next();
      if (oldest.done !== true) this.#entries.delete(oldest.value);
    }
    this.#entries.set(key, { value, expiresAt });
  }

  delete(key: string): void {
    this.#entries.delete(key);
  }
}
