/** The gate and its queue are full: the caller should answer 503 with this Retry-After. */
export class GateFull extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super('too many tasks are running or waiting');
    this.name = 'GateFull';
  }
}

export interface ConcurrencyGateOptions {
  /** Tasks that may run at once. */
  maxConcurrent: number;
  /** Tasks that may wait for a turn; one more is refused with GateFull. */
  maxQueue: number;
  /** What GateFull suggests to the caller; 5 s by default. */
  retryAfterSeconds?: number;
}

/**
 * Runs at most `maxConcurrent` tasks at once and lets at most `maxQueue` more wait, first come first
 * served; beyond that a task is refused at once. Made for work that costs a lot of memory each
 * (an argon2id verification holds 19 MiB): under a flood the process refuses instead of growing.
 *
 * @example
 * ```ts
 * const gate = new ConcurrencyGate({ maxConcurrent: 4, maxQueue: 64 });
 * try {
 *   return await gate.run(() => argon2.verify(hash, password));
 * } catch (err) {
 *   if (err instanceof GateFull) res.status(503).set('Retry-After', String(err.retryAfterSeconds));
 * }
 * ```
 */
export class ConcurrencyGate {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly retryAfterSeconds: number;

  constructor(private readonly options: ConcurrencyGateOptions) {
    if (!Number.isInteger(options.maxConcurrent) || options.maxConcurrent < 1) throw new RangeError('maxConcurrent must be a whole number of at least 1');
    if (!Number.isInteger(options.maxQueue) || options.maxQueue < 0) throw new RangeError('maxQueue must be a whole number of at least 0');
    this.retryAfterSeconds = options.retryAfterSeconds ?? 5;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active < this.options.maxConcurrent) {
      this.active++;
    } else if (this.waiting.length < this.options.maxQueue) {
      // The finishing task hands its slot over: `active` stays as it is.
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      throw new GateFull(this.retryAfterSeconds);
    }
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }

  /** Tasks running and waiting right now. */
  get load(): { running: number; waiting: number } {
    return { running: this.active, waiting: this.waiting.length };
  }
}
