import { RateLimiter } from './rate-limiter';

describe('RateLimiter', () => {
  let now: number;
  const clock = () => now;
  beforeEach(() => { now = 1_700_000_000_000; });

  it('allows `limit` requests per window, then refuses with the seconds left in the window', () => {
    const limiter = new RateLimiter({ limit: 3, windowSeconds: 60, now: clock });
    expect([1, 2, 3].map(() => limiter.hit('a').allowed)).toEqual([true, true, true]);
    now += 20_500;
    expect(limiter.hit('a')).toEqual({ allowed: false, retryAfterSeconds: 40 });
    now += 39_000;
    expect(limiter.hit('a')).toEqual({ allowed: false, retryAfterSeconds: 1 });
  });

  it('allows again once the window has passed, with a fresh count', () => {
    const limiter = new RateLimiter({ limit: 2, windowSeconds: 60, now: clock });
    limiter.hit('a');
    limiter.hit('a');
    expect(limiter.hit('a').allowed).toBe(false);
    now += 60_000;
    expect([limiter.hit('a'), limiter.hit('a'), limiter.hit('a')].map((d) => d.allowed)).toEqual([true, true, false]);
  });

  it('counts each key on its own', () => {
    const limiter = new RateLimiter({ limit: 1, windowSeconds: 60, now: clock });
    expect(limiter.hit('a').allowed).toBe(true);
    expect(limiter.hit('a').allowed).toBe(false);
    expect(limiter.hit('b').allowed).toBe(true);
  });

  it('forgets expired windows as time passes, without being asked', () => {
    const limiter = new RateLimiter({ limit: 5, windowSeconds: 10, now: clock });
    for (let i = 0; i < 1000; i++) limiter.hit(`k${i}`);
    expect(limiter.size).toBe(1000);
    now += 10_000;
    limiter.hit('late');
    expect(limiter.size).toBe(1);
  });

  it('never holds more than maxKeys keys: the oldest window goes first', () => {
    const limiter = new RateLimiter({ limit: 1, windowSeconds: 60, maxKeys: 100, now: clock });
    for (let i = 0; i < 10_000; i++) {
      now += 1;
      limiter.hit(`k${i}`);
    }
    expect(limiter.size).toBe(100);
    // The newest keys are still counted; the oldest were forgotten.
    expect(limiter.hit('k9999').allowed).toBe(false);
    expect(limiter.hit('k0').allowed).toBe(true);
  });

  it('frees room by sweeping expired windows before forgetting a live one', () => {
    const limiter = new RateLimiter({ limit: 1, windowSeconds: 60, maxKeys: 2, now: clock });
    limiter.hit('old');
    now += 30_000;
    limiter.hit('live');
    now += 30_000; // 'old' has expired, 'live' has not
    limiter.hit('new');
    expect(limiter.hit('live').allowed).toBe(false);
    expect(limiter.size).toBe(2);
  });

  it.each([
    [{ limit: 0, windowSeconds: 60 }],
    [{ limit: 1.5, windowSeconds: 60 }],
    [{ limit: 1, windowSeconds: 0 }],
    [{ limit: 1, windowSeconds: 60, maxKeys: 0 }],
  ])('refuses the nonsensical options %p', (options) => {
    expect(() => new RateLimiter(options)).toThrow(RangeError);
  });
});
