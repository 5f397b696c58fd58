import { Inject, Injectable } from '@nestjs/common';
import { LockSightings } from '../users/lock-sightings';
import type { SignInAttempt } from '../users/users.service';
import { AuditTrail } from './audit-trail';
import { signInAuditEvents } from './sign-in-events';

/** Puts each decided sign-in on the audit trail (sign-in-events.ts), a lockout once per lock. */
@Injectable()
export class SignInAudit {
  private readonly reportedLocks = new LockSightings();

  constructor(@Inject(AuditTrail) private readonly trail: AuditTrail) {}

  /** `ip`: the client's address with TRUSTED_PROXIES applied (Express `req.ip`, main.ts `trust proxy`). */
  record(attempt: SignInAttempt, ip: string | undefined): void {
    for (const event of signInAuditEvents(attempt, ip)) {
      if (event.type === 'account.locked' && !this.reportedLocks.first(attempt.subject!, attempt.lockStartedUntil!)) continue;
      this.trail.record(event);
    }
  }
}
