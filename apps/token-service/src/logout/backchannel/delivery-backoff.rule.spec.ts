import { MAX_DELIVERY_ATTEMPTS, nextAttemptAfterFailure } from './delivery-backoff.rule';

const T = 1_700_000_000_000;
const SECOND = 1000;

describe('nextAttemptAfterFailure', () => {
  it.each([
    [1, 1 * SECOND],
    [2, 2 * SECOND],
    [3, 4 * SECOND],
    [4, 8 * SECOND],
    [10, 512 * SECOND],
    [11, 900 * SECOND],
    [13, 900 * SECOND],
  ])('after attempt %i failed, waits %i ms', (attempts, delay) => {
    expect(nextAttemptAfterFailure(attempts, T)).toBe(T + delay);
  });

  it.each([[MAX_DELIVERY_ATTEMPTS], [MAX_DELIVERY_ATTEMPTS + 1]])('gives up after attempt %i', (attempts) => {
    expect(nextAttemptAfterFailure(attempts, T)).toBeNull();
  });

  it('gives up about an hour after the first attempt, not sooner and not much later', () => {
    let at = T;
    for (let attempts = 1; ; attempts++) {
      const next = nextAttemptAfterFailure(attempts, at);
      if (next === null) break;
      at = next;
    }
    expect(at - T).toBeGreaterThanOrEqual(55 * 60 * SECOND);
    expect(at - T).toBeLessThanOrEqual(75 * 60 * SECOND);
  });
});
