/**
 * A map whose entries expire and whose size is capped: the memory of the logout receiver (seen
 * `jti`s) and of the ended-session store. Entries are kept in insertion order (a `set` moves its key
 * to the end), which for one lifetime per map is also expiry order: expired entries are pruned from
 * the front as new ones arrive, and when the map is full the oldest entry gives way.
 */
export class ExpiringMap<V> {
  private readonly entries = new Map<string, { value: V; expiresAtMs: number }>();

  constructor(private readonly maxEntries: number) {}

  get size(): number {
    return this.entries.size;
  }

  /** The live value of `key`, or undefined when there is none or it expired. */
  get(key: string, nowMs: number): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAtMs > nowMs) return entry.value;
    this.entries.delete(key);
    return undefined;
  }

  set(key: string, value: V, expiresAtMs: number, nowMs: number): void {
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAtMs });
    for (const [oldest, entry] of this.entries) {
      if (this.entries.size <= this.maxEntries && entry.expiresAtMs > nowMs) break;
      this.entries.delete(oldest);
    }
  }

  delete(key: string): void {
    this.entries.delete(key);
  }
}
