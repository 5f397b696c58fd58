import { retryUntil } from './retry';

/** A fake clock that `sleep` advances: the backoff is observed without waiting for it. */
function fakeTime() {
  let now = 0;
  const sleeps: number[] = [];
  return {
    now: () => now,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      now += ms;
    },
    sleeps,
  };
}

const unavailable = Object.assign(new TypeError('fetch failed'), { cause: new Error('connect ECONNREFUSED 127.0.0.1:3000') });
const isRetryable = (err: unknown) => err === unavailable;

describe('retryUntil', () => {
  it('retries with a doubling delay capped at 5 s, saying what it waits for, until the attempt succeeds', async () => {
    const time = fakeTime();
    const lines: string[] = [];
    let calls = 0;
    const result = await retryUntil('the token service', async () => {
      calls++;
      if (calls < 6) throw unavailable;
      return 'ready';
    }, { deadline: 60_000, isRetryable, log: { info: (m) => lines.push(m), warn: (m) => lines.push(m) }, ...time });
    expect(result).toBe('ready');
    expect(time.sleeps).toEqual([500, 1000, 2000, 4000, 5000]);
    expect(lines[0]).toBe('waiting for the token service: fetch failed: connect ECONNREFUSED 127.0.0.1:3000; retrying in 0.5 s');
  });

  it('gives up at the deadline with the last error', async () => {
    const time = fakeTime();
    await expect(retryUntil('the token service', () => Promise.reject(unavailable), {
      deadline: 10_000, isRetryable, log: { info: () => undefined, warn: () => undefined }, ...time,
    })).rejects.toBe(unavailable);
    expect(time.now()).toBe(10_000);
  });

  it('does not retry an error that waiting will not fix', async () => {
    const refused = new Error('the token service refused INITIAL_ACCESS_TOKEN');
    const time = fakeTime();
    await expect(retryUntil('registration', () => Promise.reject(refused), {
      deadline: 60_000, isRetryable, log: { info: () => undefined, warn: () => undefined }, ...time,
    })).rejects.toBe(refused);
    expect(time.sleeps).toEqual([]);
  });
});
