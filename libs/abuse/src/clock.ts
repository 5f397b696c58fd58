/**
 * Wall-clock time for the abuse defences (rate-limit windows, lockout periods). An object rather
 * than `Date.now` so that each app holds its own instance (a Nest provider) and a test can move
 * that app's time forward instead of sleeping.
 *
 * @example
 * ```ts
 * const clock = app.get(Clock);
 * new RateLimiter({ limit: 20, windowSeconds: 60, now: () => clock.now() });
 * ```
 */
export class Clock {
  /** Epoch milliseconds. */
  now(): number {
    return Date.now();
  }
}
