/** Why queued items never reached their destination. */
export type WriteBehindLoss = 'buffer_full' | 'write_failed';

export interface WriteBehindOptions<T> {
  /** Writes one batch; a rejection is retried once after `retryDelayMs`. */
  write(batch: T[]): Promise<void>;
  /** Items per `write`, and the queue length that starts one at once. */
  batchSize: number;
  /** The longest an item waits before its write starts. */
  delayMs: number;
  /** Items held at most; beyond, new ones are dropped and counted. */
  limit: number;
  retryDelayMs: number;
  /** Told once per overflow episode and for every batch lost: counts and the failure, never items. */
  onLoss(reason: WriteBehindLoss, count: number, failure?: unknown): void;
  /** Told when a first attempt failed and a retry follows. */
  onRetry?(count: number, failure: unknown): void;
}

/**
 * A bounded in-memory queue written out in batches behind the caller's back: `push` never waits
 * and never throws, batches go out one at a time, in order. What cannot be kept — the queue is full,
 * or a batch failed twice — is counted by reason, for a metric.
 *
 * @example
 * ```ts
 * const queue = new WriteBehindQueue<Row>({
 *   write: (rows) => repository.append(rows), batchSize: 100, delayMs: 200, limit: 10_000, retryDelayMs: 250,
 *   onLoss: (reason, count) => logger.error(`${count} rows lost (${reason})`),
 * });
 * queue.push(row);
 * await queue.flush(); // on shutdown, before the destination closes
 * ```
 */
export class WriteBehindQueue<T> {
  private queue: T[] = [];
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private readonly lost: Record<WriteBehindLoss, number> = { buffer_full: 0, write_failed: 0 };
  private overflowing = false;

  constructor(private readonly options: WriteBehindOptions<T>) {}

  push(item: T): void {
    if (this.queue.length >= this.options.limit) {
      this.lost.buffer_full += 1;
      // Once per episode: a line per dropped item would bury the cause.
      if (!this.overflowing) tell(() => this.options.onLoss('buffer_full', 1));
      this.overflowing = true;
      return;
    }
    this.queue.push(item);
    if (this.queue.length % this.options.batchSize === 0) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), this.options.delayMs).unref();
  }

  /** Writes everything queued so far; resolves once it is written or counted as lost. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.writing = this.writing.then(() => this.drain());
    return this.writing;
  }

  /** Items waiting now. */
  get size(): number {
    return this.queue.length;
  }

  /** Items lost since start, by reason. */
  losses(): { reason: WriteBehindLoss; count: number }[] {
    return (Object.keys(this.lost) as WriteBehindLoss[]).map((reason) => ({ reason, count: this.lost[reason] }));
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      await this.writeBatch(this.queue.splice(0, this.options.batchSize));
    }
  }

  private async writeBatch(batch: T[]): Promise<void> {
    try {
      await this.options.write(batch);
      this.overflowing = false;
      return;
    } catch (err) {
      tell(() => this.options.onRetry?.(batch.length, err));
    }
    await new Promise((resolve) => setTimeout(resolve, this.options.retryDelayMs));
    try {
      await this.options.write(batch);
      this.overflowing = false;
    } catch (err) {
      this.lost.write_failed += batch.length;
      tell(() => this.options.onLoss('write_failed', batch.length, err));
    }
  }
}

// The callbacks report; one that throws must neither reach the caller of push() nor stop the writes.
function tell(callback: () => void): void {
  try {
    callback();
  } catch {
    // nothing better to do with a report that cannot be made
  }
}
