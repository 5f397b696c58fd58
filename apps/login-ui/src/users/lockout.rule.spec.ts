import { DEFAULT_LOCKOUT, LockoutPolicy, lockoutSteps, lockoutWaitSeconds } from './lockout.rule';

describe('lockoutWaitSeconds', () => {
  it.each([
    [0, 0],
    [29, 0],
    [30, 60],
    [31, 120],
    [32, 240],
    [33, 480],
    [34, 900],
    [35, 900],
    [10_000, 900],
  ])('after %p failures in a row the account waits %p s (Keycloak-like defaults)', (failures, wait) => {
    expect(lockoutWaitSeconds(failures, DEFAULT_LOCKOUT)).toBe(wait);
  });

  it('locks from the first failure when the threshold is 1', () => {
    const policy: LockoutPolicy = { maxFailures: 1, waitSeconds: 5, maxWaitSeconds: 7, resetSeconds: 60 };
    expect([1, 2, 3].map((n) => lockoutWaitSeconds(n, policy))).toEqual([5, 7, 7]);
  });
});

describe('lockoutSteps', () => {
  it('lists each wait once, highest first, ending at the cap', () => {
    expect(lockoutSteps(DEFAULT_LOCKOUT)).toEqual([
      { failures: 34, waitSeconds: 900 },
      { failures: 33, waitSeconds: 480 },
      { failures: 32, waitSeconds: 240 },
      { failures: 31, waitSeconds: 120 },
      { failures: 30, waitSeconds: 60 },
    ]);
  });

  it('stays short for the widest configurable range', () => {
    expect(lockoutSteps({ maxFailures: 1, waitSeconds: 1, maxWaitSeconds: 86_400, resetSeconds: 60 })).toHaveLength(18);
  });

  it('agrees with lockoutWaitSeconds at every count', () => {
    const policy: LockoutPolicy = { maxFailures: 3, waitSeconds: 10, maxWaitSeconds: 100, resetSeconds: 60 };
    const steps = lockoutSteps(policy);
    for (let failures = 0; failures < 20; failures++) {
      const step = steps.find((s) => failures >= s.failures);
      expect(step?.waitSeconds ?? 0).toBe(lockoutWaitSeconds(failures, policy));
    }
  });
});
