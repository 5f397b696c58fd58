/**
 * The audit trail: an append-only table owned by the token service. The login UI sends its events
 * (sign-in, lockout, user changes) over the internal API: `POST /internal/v1/audit-events` with one
 * `AuditEventInput` or `{ events: AuditEventInput[] }`.
 *
 * Never put a password, code, secret or whole token in an event: name things by id (client_id, the
 * user's sub, a session id, a key's kid, a token's jti).
 */
export const AUDIT_EVENT_TYPES = [
  'sign_in.succeeded', 'sign_in.failed', 'account.locked',
  'consent.granted', 'consent.denied',
  'token.issued', 'token.refreshed', 'token.revoked', 'refresh_token.reuse_detected', 'code.replay_detected',
  'logout', 'session.revoked', 'backchannel_logout.delivered', 'backchannel_logout.failed',
  'key.published', 'key.activated', 'key.retired', 'key.removed', 'key.revoked',
  'client.created', 'client.updated', 'client.secret_rotated', 'client.deleted',
  'initial_access_token.created', 'initial_access_token.revoked',
  'user.created', 'user.updated', 'user.roles_changed', 'user.disabled', 'user.enabled',
  'user.password_reset', 'user.unlocked',
] as const;
export type AuditEventType = (typeof AUDIT_EVENT_TYPES)[number];

export interface AuditEventInput {
  type: AuditEventType;
  /** Who did it: a person's sub, `client:<client_id>` for a service client, `system` (a schedule), or `cli` (an operator's command). */
  actor?: string | null;
  /** The person it concerns (their sub), when there is one. */
  subject?: string | null;
  clientId?: string | null;
  sessionId?: string | null;
  /** The client address as the app resolved it (trusted proxies applied). */
  ip?: string | null;
  /** A short machine-readable reason, e.g. `bad_credentials`, `locked`, `reuse`. */
  reason?: string | null;
  /** Further facts: ids, counts, kids, jtis. Scalars only; never a secret. */
  details?: Record<string, string | number | boolean | null>;
}

/**
 * One event as the login UI sends it to `POST /internal/v1/audit-events`: the sender batches its
 * events, so it says when each happened (epoch ms; the token service refuses one more than a day
 * old and takes one from the future as now). Without `at`, the time of arrival.
 */
export interface AuditEventSubmission extends AuditEventInput {
  at?: number;
}

/** At most this many events in one `POST /internal/v1/audit-events`. */
export const AUDIT_EVENTS_PER_REQUEST = 100;

export interface AuditEvent extends AuditEventInput {
  id: string;
  /** When it happened, epoch milliseconds. */
  at: number;
}
