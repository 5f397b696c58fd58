/** The first retry waits this long; each further one twice as long as the one before. */
export const FIRST_RETRY_DELAY_MS = 1_000;
/** No wait between two attempts is longer than this. */
export const MAX_RETRY_DELAY_MS = 15 * 60_000;
/**
 * Attempts before a delivery is given up: 1 s, 2 s, 4 s … 512 s, then every 15 minutes, which ends
 * it about an hour after the session did. Past that the receiver's own session would be long stale.
 */
export const MAX_DELIVERY_ATTEMPTS = 14;

/**
 * When the next attempt is due after attempt number `attempts` (1 for the first) failed at
 * `failedAt` (epoch ms): exponential backoff, so a receiver that is down is not hammered; or null
 * when that was the last attempt.
 */
export function nextAttemptAfterFailure(attempts: number, failedAt: number): number | null {
  if (attempts >= MAX_DELIVERY_ATTEMPTS) return null;
  const delay = Math.min(FIRST_RETRY_DELAY_MS * 2 ** (attempts - 1), MAX_RETRY_DELAY_MS);
  return failedAt + delay;
}
