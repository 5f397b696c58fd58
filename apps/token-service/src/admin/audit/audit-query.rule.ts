import { AUDIT_EVENT_TYPES, AuditEventType } from '@tessera/contracts';
import type { AuditEventFilter } from '../../audit/audit-event.repository';
import { PageRequest, readListQuery } from '../admin-input.rule';

// Instants from 2001 to 2286 as epoch ms: 13 digits; anything shorter is more likely seconds by mistake.
const EPOCH_MS = /^\d{13}$/;
// RFC 3339 date-time (a date alone is read as midnight UTC).
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$/;

/**
 * `GET /audit-events?type=…&type=…&subject=&client_id=&actor=&since=&until=&limit=&cursor=`: `type` is
 * repeatable and must be one of contracts AUDIT_EVENT_TYPES; `since` (inclusive) and `until`
 * (exclusive) are epoch milliseconds or RFC 3339 date-times. 400 names every refused parameter.
 */
export function readAuditQuery(query: unknown): { filter: AuditEventFilter; page: PageRequest } {
  const { values, lists, page, problems } = readListQuery(query, ['subject', 'client_id', 'actor', 'since', 'until'], ['type']);
  const filter: AuditEventFilter = {};
  const unknown = lists.type.filter((t) => !(AUDIT_EVENT_TYPES as readonly string[]).includes(t));
  if (unknown.length) problems.add('type', `unknown event type ${unknown[0].slice(0, 64)}; one of ${AUDIT_EVENT_TYPES.join(', ')}`);
  else if (lists.type.length) filter.types = [...new Set(lists.type)] as AuditEventType[];
  if (values.subject !== undefined) filter.subject = values.subject;
  if (values.client_id !== undefined) filter.clientId = values.client_id;
  if (values.actor !== undefined) filter.actor = values.actor;
  for (const bound of ['since', 'until'] as const) {
    const value = values[bound];
    if (value === undefined) continue;
    const instant = parseInstant(value);
    if (instant === undefined) problems.add(bound, 'must be epoch milliseconds or an RFC 3339 date-time');
    else filter[bound] = instant;
  }
  if (filter.since !== undefined && filter.until !== undefined && filter.since >= filter.until) problems.add('until', 'must be after since');
  problems.check();
  return { filter, page };
}

/** Epoch milliseconds, or an RFC 3339 date-time; undefined when it is neither. */
export function parseInstant(value: string): number | undefined {
  if (EPOCH_MS.test(value)) return Number(value);
  if (!ISO_DATE_TIME.test(value)) return undefined;
  const instant = Date.parse(value);
  return Number.isFinite(instant) ? instant : undefined;
}
