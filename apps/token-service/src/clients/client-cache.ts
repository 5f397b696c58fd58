export interface ClientCacheOptions {
  /** How long a record read from the database is used before it is read again. */
  ttlMs: number;
  /** Beyond this many records the oldest is dropped, so memory stays bounded whatever ids are asked for. */
  maxEntries: number;
  now: () => number;
}

interface Entry<T> {
  value: Promise<T>;
  expiresAt: number;
}

/**
 * Remembers what a lookup by id returned, for a short time, in this process only. Several callers
 * asking for the same id while it is being read share the one read. A lookup that found nothing
 * (`null`) or failed is not remembered: a client registered through another instance a moment ago
 * is found at once, and a flood of made-up ids neither grows the cache nor hides a database error.
 *
 * What another instance changes is seen here after `ttlMs` at most; what this process changes it
 * `forget`s at once.
 */
export class ClientCache<T extends object> {
  private readonly entries = new Map<string, Entry<T | null>>();

  constructor(private readonly options: ClientCacheOptions) {}

  get(id: string, load: (id: string) => Promise<T | null>): Promise<T | null> {
    const now = this.options.now();
    const cached = this.entries.get(id);
    if (cached && cached.expiresAt > now) return cached.value;
    if (cached) this.entries.delete(id);

    const value = load(id).then((found) => {
      if (found === null) this.forgetIf(id, value);
      return found === null ? null : deepFreeze(found);
    }, (err: unknown) => {
      this.forgetIf(id, value);
      throw err;
    });
    this.entries.set(id, { value, expiresAt: now + this.options.ttlMs });
    // Map keeps insertion order: the first key is the record read longest ago.
    if (this.entries.size > this.options.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    return value;
  }

  forget(id: string): void {
    this.entries.delete(id);
  }

  get size(): number {
    return this.entries.size;
  }

  private forgetIf(id: string, value: Promise<T | null>): void {
    if (this.entries.get(id)?.value === value) this.entries.delete(id);
  }
}

/** One record object is handed to many requests: none of them may change what the others see. */
function deepFreeze<T extends object>(value: T): T {
  for (const member of Object.values(value)) {
    if (typeof member === 'object' && member !== null && !Object.isFrozen(member)) deepFreeze(member as object);
  }
  return Object.freeze(value);
}
