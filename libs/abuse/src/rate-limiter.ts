/** How many requests one key may make per window. */
export interface RateLimit {
  limit: number;
  windowSeconds: number;
}

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export interface RateLimiterOptions extends RateLimit {
  /**
   * Most keys remembered at once. When a new key finds the table full, expired windows are swept
   * and, if that frees nothing, the oldest window is forgotten: memory stays bounded whatever the
   * number of addresses, at the price of letting a key whose window was evicted start afresh.
   */
  maxKeys?: number;
  /** Epoch milliseconds; injectable so tests move time instead of sleeping. */
  now?: () => number;
}

interface Window {
  startedAt: number;
  count: number;
}

const DEFAULT_MAX_KEYS = 20_000;

/**
 * A fixed-window counter per key (e.g. per client address), in this process's memory: each key's
 * window starts at its first request and allows `limit` requests until `windowSeconds` have passed.
 * It is a per-instance defence against floods; what must hold across instances (the account
 * lockout) lives in the database.
 *
 * @example
 * ```ts
 * const limiter = new RateLimiter({ limit: 20, windowSeconds: 60 });
 * const decision = limiter.hit('203.0.113.7');
 * if (!decision.allowed) res.status(429).set('Retry-After', String(decision.retryAfterSeconds)).end();
 * ```
 */
export class RateLimiter {
  private readonly windows = new Map<string, Window>();
  private readonly windowMs: number;
  private readonly maxKeys: number;
  private readonly now: () => number;
  private lastSweep: number;

  constructor(private readonly options: RateLimiterOptions) {
    if (!Number.isInteger(options.limit) || options.limit < 1) throw new RangeError('limit must be a whole number of at least 1');
    if (!(options.windowSeconds > 0)) throw new RangeError('windowSeconds must be positive');
    this.windowMs = options.windowSeconds * 1000;
    this.maxKeys = options.maxKeys ?? DEFAULT_MAX_KEYS;
    if (!Number.isInteger(this.maxKeys) || this.maxKeys < 1) throw new RangeError('maxKeys must be a whole number of at least 1');
    this.now = options.now ?? Date.now;
    this.lastSweep = this.now();
  }

  /** Counts one request of `key` and says whether it may go ahead. */
  hit(key: string): RateDecision {
    const now = this.now();
    if (now - this.lastSweep >= this.windowMs) this.sweep(now);
    let window = this.windows.get(key);
    if (!window || now - window.startedAt >= this.windowMs) {
      // Re-inserted, so the map stays ordered by window start and the expired ones sit at its front.
      if (window) this.windows.delete(key);
      else if (this.windows.size >= this.maxKeys) this.makeRoom(now);
      window = { startedAt: now, count: 0 };
      this.windows.set(key, window);
    }
    if (window.count < this.options.limit) {
      window.count++;
      return { allowed: true };
    }
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((window.startedAt + this.windowMs - now) / 1000)) };
  }

  /** Keys remembered right now. */
  get size(): number {
    return this.windows.size;
  }

  private sweep(now: number): void {
    this.lastSweep = now;
    for (const [key, window] of this.windows) {
      if (now - window.startedAt < this.windowMs) break;
      this.windows.delete(key);
    }
  }

  private makeRoom(now: number): void {
    this.sweep(now);
    if (this.windows.size < this.maxKeys) return;
    const oldest = this.windows.keys().next();
    if (!oldest.done) this.windows.delete(oldest.value);
  }
}
