/**
 * A Map that holds at most `max` entries and, past that, forgets the least recently set one: for per-process caches
 * keyed by something callers create (sessions, handles), so their number cannot grow the heap without bound.
 */
export class BoundedMap<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(readonly max: number) {
    if (!Number.isInteger(max) || max < 1) throw new Error(`BoundedMap: max must be a positive integer (got ${max})`);
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: K): V | undefined {
    return this.entries.get(key);
  }

  has(key: K): boolean {
    return this.entries.has(key);
  }

  /** Sets the entry as the most recent one; drops the oldest when the map is full. */
  set(key: K, value: V): this {
    // A Map iterates in insertion order: re-inserting moves the key to the end, so the first key is the oldest.
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value as K);
    return this;
  }

  delete(key: K): boolean {
    return this.entries.delete(key);
  }
}
