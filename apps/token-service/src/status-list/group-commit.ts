export interface GroupCommitOptions<T> {
  /** Writes one batch durably; its promise settles every caller of the batch alike. */
  write(items: T[]): Promise<void>;
  /** The most items one write carries; more waiting than that go in further writes. */
  maxBatch: number;
  /** The most writes in progress at once; what arrives meanwhile waits and joins the next batch. */
  maxInFlight: number;
}

interface Waiting<T> {
  item: T;
  resolve(): void;
  reject(err: unknown): void;
}

/**
 * Group commit: the writes asked for during one turn of the event loop, and those asked for while
 * earlier writes were still in progress, go to the database together, and each caller is answered
 * when the write that carried its item has finished — never before. A hundred concurrent token
 * responses then cost a few multi-row INSERTs instead of a hundred round trips and commits.
 */
export class GroupCommit<T> {
  private readonly waiting: Waiting<T>[] = [];
  private inFlight = 0;
  private scheduled = false;

  constructor(private readonly options: GroupCommitOptions<T>) {}

  /** Resolves once `item` is written; rejects with the error of the write that carried it. */
  add(item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.options.maxInFlight || this.waiting.length === 0) return;
    this.scheduled = true;
    // After the current turn: everything asked for in it joins this batch.
    setImmediate(() => {
      this.scheduled = false;
      while (this.inFlight < this.options.maxInFlight && this.waiting.length > 0) this.writeBatch(this.waiting.splice(0, this.options.maxBatch));
    });
  }

  private writeBatch(batch: Waiting<T>[]): void {
    this.inFlight++;
    let written: Promise<void>;
    try {
      written = this.options.write(batch.map((w) => w.item));
    } catch (err) {
      written = Promise.reject(err);
    }
    written.then(
      () => batch.forEach((w) => w.resolve()),
      (err: unknown) => batch.forEach((w) => w.reject(err)),
    ).finally(() => {
      this.inFlight--;
      this.schedule();
    });
  }
}
