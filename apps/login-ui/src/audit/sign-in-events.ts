import { AuditEventInput } from '@tessera/contracts';
import type { SignInAttempt } from '../users/users.service';

/**
 * The audit events of one decided sign-in: `sign_in.succeeded` or `sign_in.failed` with the
 * directory's reason, and `account.locked` when this attempt's wrong password started a lockout.
 * The person's page is the same for every refusal (sign-in-refusals.ts); only this trail and the
 * metrics tell them apart.
 *
 * What names the person: their `sub`, and only when the account exists. The username typed into a
 * failed attempt is never recorded, not even for an unknown account: people type their password
 * into the username box, and an audit table readable by every administrator must not collect
 * passwords. An unknown account's attempt therefore carries only the address it came from.
 */
export function signInAuditEvents(attempt: SignInAttempt, ip: string | undefined): AuditEventInput[] {
  const about = { subject: attempt.subject, ip: ip ?? null };
  // Who tried is known only once the password proved it; a failure may be anyone's.
  if (attempt.user) return [{ type: 'sign_in.succeeded', actor: attempt.subject, ...about }];
  const events: AuditEventInput[] = [{ type: 'sign_in.failed', actor: null, ...about, reason: attempt.outcome }];
  if (attempt.lockStartedUntil !== null) {
    events.push({ type: 'account.locked', actor: 'system', ...about, details: { locked_until: attempt.lockStartedUntil } });
  }
  return events;
}
