/**
 * Per-account lockout, modelled on Keycloak's brute-force detection: after `maxFailures` failed
 * sign-ins the account waits `waitSeconds`, and every further failure doubles the wait up to
 * `maxWaitSeconds`; `resetSeconds` without a failure forget the count. Success forgets it too.
 */
export interface LockoutPolicy {
  maxFailures: number;
  waitSeconds: number;
  maxWaitSeconds: number;
  resetSeconds: number;
}

export const DEFAULT_LOCKOUT: LockoutPolicy = { maxFailures: 30, waitSeconds: 60, maxWaitSeconds: 900, resetSeconds: 12 * 3600 };

/** Seconds the account waits after its `failures`-th failure in a row: 0 below the threshold. */
export function lockoutWaitSeconds(failures: number, policy: LockoutPolicy): number {
  if (failures < policy.maxFailures) return 0;
  const doublings = failures - policy.maxFailures;
  // 2 ** 1024 is Infinity; capping the exponent keeps the arithmetic finite for any count.
  return Math.min(policy.waitSeconds * 2 ** Math.min(doublings, 64), policy.maxWaitSeconds);
}

export interface LockoutStep {
  /** From this many failures on ... */
  failures: number;
  /** ... the account waits this long (until the next step). */
  waitSeconds: number;
}

/**
 * The wait as a short staircase, highest step first, ending at the cap: what the database needs
 * to compute the wait in the same statement that counts the failure (see UserRepository).
 */
export function lockoutSteps(policy: LockoutPolicy): LockoutStep[] {
  const steps: LockoutStep[] = [];
  for (let failures = policy.maxFailures; ; failures++) {
    const waitSeconds = lockoutWaitSeconds(failures, policy);
    steps.unshift({ failures, waitSeconds });
    if (waitSeconds >= policy.maxWaitSeconds) return steps;
  }
}
