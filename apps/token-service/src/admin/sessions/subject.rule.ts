import { InvalidRequest } from '@tessera/contracts';

/** A person's `sub` as the login UI assigns them (interaction-body.rule.ts: 1 to 255 characters). */
export function isSubject(value: unknown): value is string {
  return typeof value === 'string' && value.length >= 1 && value.length <= 255;
}

/**
 * The login UI's `POST /internal/v1/subjects/{sub}/revoke`, with an optional `{ "actor": sub }` naming
 * the administrator for the audit (`system` without one). Internal API errors are OAuth-shaped.
 */
export function readInternalSubjectRevocation(subject: string, body: unknown): { subject: string; actor: string } {
  if (!isSubject(subject)) throw new InvalidRequest('the subject must be 1 to 255 characters');
  if (body === undefined) return { subject, actor: 'system' };
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new InvalidRequest('the body must be a JSON object');
  const { actor, ...rest } = body as Record<string, unknown>;
  if (Object.keys(rest).length) throw new InvalidRequest('the body may name only the actor');
  if (actor === undefined) return { subject, actor: 'system' };
  if (!isSubject(actor)) throw new InvalidRequest('actor must be a string of 1 to 255 characters');
  return { subject, actor };
}
