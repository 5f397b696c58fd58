import { AUDIT_EVENTS_PER_REQUEST, AuditEventSubmission, InvalidRequest } from '@tessera/contracts';
import { AUDIT_DETAIL_LIMITS, AUDIT_FIELD_LIMITS, isAuditEventType } from './audit-event.rule';

/** How old an event the login UI may still hand in (it batches, and retries once). */
export const MAX_SUBMISSION_AGE_MS = 86_400_000;

const FIELDS: ReadonlySet<string> = new Set([...Object.keys(AUDIT_FIELD_LIMITS), 'type', 'details', 'at']);
const DETAIL_KEY = new RegExp(`^[A-Za-z][A-Za-z0-9_.]{0,${AUDIT_DETAIL_LIMITS.keyLength - 1}}$`);
// The events that happen in the login UI: sign-ins and the user directory it owns. Everything else
// happens here and is recorded here; the login UI cannot speak for it.
const LOGIN_UI_TYPES = /^(sign_in\.(succeeded|failed)|account\.locked|user\.[a-z_]+)$/;

export interface AuditSubmission {
  event: AuditEventSubmission;
  at: number;
}

/**
 * Reads the body of `POST /internal/v1/audit-events`: one event or `{ events: [...] }` (1 to 100).
 * Strict, not forgiving (the sender is our own login UI, so an odd body is a bug to surface): known
 * fields only, a type the login UI may report, strings within the column widths, details of at most
 * 20 scalars. `at` may not be older than a day; one in the future (another host's clock) becomes `now`.
 *
 * @throws InvalidRequest naming the first thing refused.
 */
export function readAuditSubmissions(body: unknown, now: number): AuditSubmission[] {
  const b = object(body, 'body');
  const list = 'events' in b ? eventsOf(b) : [b];
  return list.map((value, i) => readOne(value, `events[${i}]`, now));
}

function eventsOf(b: Record<string, unknown>): unknown[] {
  if (Object.keys(b).length !== 1) throw new InvalidRequest('a batch has only `events`');
  const events = b.events;
  if (!Array.isArray(events) || events.length === 0 || events.length > AUDIT_EVENTS_PER_REQUEST) {
    throw new InvalidRequest(`events must be an array of 1 to ${AUDIT_EVENTS_PER_REQUEST} events`);
  }
  return events;
}

function readOne(value: unknown, path: string, now: number): AuditSubmission {
  const e = object(value, path);
  const unknown = Object.keys(e).find((key) => !FIELDS.has(key));
  if (unknown !== undefined) throw new InvalidRequest(`${path} has an unknown field`);
  if (!isAuditEventType(e.type) || !LOGIN_UI_TYPES.test(e.type)) throw new InvalidRequest(`${path}.type is not an event the login UI reports`);
  const event: AuditEventSubmission = { type: e.type };
  for (const [field, max] of Object.entries(AUDIT_FIELD_LIMITS) as [keyof typeof AUDIT_FIELD_LIMITS, number][]) {
    const v = e[field];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'string' || v.length === 0 || v.length > max) throw new InvalidRequest(`${path}.${field} must be a string of 1 to ${max} characters`);
    event[field] = v;
  }
  if (e.details !== undefined) event.details = readDetails(e.details, `${path}.details`);
  return { event, at: readAt(e.at, `${path}.at`, now) };
}

function readDetails(value: unknown, path: string): NonNullable<AuditEventSubmission['details']> {
  const d = object(value, path);
  const entries = Object.entries(d);
  if (entries.length > AUDIT_DETAIL_LIMITS.keys) throw new InvalidRequest(`${path} has more than ${AUDIT_DETAIL_LIMITS.keys} entries`);
  for (const [key, v] of entries) {
    if (!DETAIL_KEY.test(key)) throw new InvalidRequest(`${path} has a key that is not a short identifier`);
    const scalar = v === null || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v))
      || (typeof v === 'string' && v.length <= AUDIT_DETAIL_LIMITS.valueLength);
    if (!scalar) throw new InvalidRequest(`${path}.${key} must be a short string, a number, a boolean or null`);
  }
  return d as NonNullable<AuditEventSubmission['details']>;
}

function readAt(value: unknown, path: string, now: number): number {
  if (value === undefined) return now;
  if (!Number.isSafeInteger(value) || (value as number) < now - MAX_SUBMISSION_AGE_MS) {
    throw new InvalidRequest(`${path} must be epoch milliseconds within the last day`);
  }
  return Math.min(value as number, now);
}

function object(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InvalidRequest(`${path} must be a JSON object`);
  return value as Record<string, unknown>;
}
