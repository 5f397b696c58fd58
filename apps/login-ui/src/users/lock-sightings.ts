// Locks remembered; beyond this many the oldest is forgotten (it has long been reported), so memory
// stays bounded under any flood.
const REMEMBERED_LOCKS = 10_000;

/**
 * Attempts racing on one account may each see the lock one of them started (SignInEvents.lockedOut):
 * whoever reports locks asks this first, so a lock is reported once per instance.
 */
export class LockSightings {
  private readonly seen = new Map<string, number>();

  /** True the first time this account is seen locked until `lockedUntil`. */
  first(userId: string, lockedUntil: number): boolean {
    if (this.seen.get(userId) === lockedUntil) return false;
    this.seen.delete(userId);
    this.seen.set(userId, lockedUntil);
    if (this.seen.size > REMEMBERED_LOCKS) this.seen.delete(this.seen.keys().next().value as string);
    return true;
  }
}
