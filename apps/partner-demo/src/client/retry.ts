/** What the demo logs while it waits; never a secret. */
export interface StartupLog {
  info(message: string): void;
  warn(message: string): void;
}

export interface RetryOptions {
  /** Epoch ms after which the last error is thrown. */
  deadline: number;
  /** Errors worth another try (the token service not up yet); anything else is thrown at once. */
  isRetryable(err: unknown): boolean;
  log: StartupLog;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

const FIRST_DELAY_MS = 500;
const MAX_DELAY_MS = 5_000;

/**
 * Runs `attempt` until it succeeds, with exponential backoff (0.5 s doubling up to 5 s), saying
 * in the log what it waits for. Gives up at `deadline` with the last error.
 */
export async function retryUntil<T>(what: string, attempt: () => Promise<T>, options: RetryOptions): Promise<T> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  for (let delay = FIRST_DELAY_MS; ; delay = Math.min(delay * 2, MAX_DELAY_MS)) {
    try {
      return await attempt();
    } catch (err) {
      if (!options.isRetryable(err)) throw err;
      const wait = Math.min(delay, options.deadline - now());
      if (wait <= 0) throw err;
      options.log.info(`waiting for ${what}: ${describeError(err)}; retrying in ${(wait / 1000).toFixed(1)} s`);
      await sleep(wait);
    }
  }
}

/** A one-line reason, with the network cause (`connect ECONNREFUSED …`) that fetch hides in `cause`. */
export function describeError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
  return `${err.message}${cause}`;
}
