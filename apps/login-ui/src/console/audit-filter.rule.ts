import { AUDIT_EVENT_TYPES } from '@tessera/contracts';
import type { AdminQuery } from './admin-api.client';

/** The audit page's filter form, as typed (shown back in the form). */
export interface AuditFilterForm {
  type: string;
  subject: string;
  client_id: string;
  /** `YYYY-MM-DDTHH:MM` as an `<input type="datetime-local">` sends it, read as UTC. */
  since: string;
  until: string;
}

export interface AuditFilter {
  form: AuditFilterForm;
  /** The admin API query (`GET /audit-events`), when the form is usable. */
  query?: AdminQuery;
  /** Refused fields by name, shown beside them. */
  problems: Record<string, string>;
}

const LOCAL_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/;
const CURSOR = /^[A-Za-z0-9_-]{1,512}$/;
const MAX_TEXT = 255;

/**
 * The audit page's query string (`?type=&subject=&client_id=&since=&until=&cursor=`) read into the
 * admin API's query: an empty field is no filter; times are UTC, as the page says; every refused
 * field is named, and nothing is asked of the API until all are fixed.
 */
export function readAuditFilter(query: Record<string, unknown>): AuditFilter {
  const problems: Record<string, string> = {};
  const text = (name: keyof AuditFilterForm | 'cursor'): string => {
    const value = query[name];
    if (value === undefined) return '';
    if (typeof value !== 'string') {
      problems[name] = 'Give this once.';
      return '';
    }
    const trimmed = value.trim();
    if (trimmed.length > MAX_TEXT && name !== 'cursor') {
      problems[name] = `At most ${MAX_TEXT} characters.`;
      return trimmed.slice(0, MAX_TEXT);
    }
    return trimmed;
  };
  const form: AuditFilterForm = { type: text('type'), subject: text('subject'), client_id: text('client_id'), since: text('since'), until: text('until') };
  if (form.type && !(AUDIT_EVENT_TYPES as readonly string[]).includes(form.type)) problems.type = 'Choose a type from the list.';
  const since = utcInstant(form.since, 'since', problems);
  const until = utcInstant(form.until, 'until', problems);
  if (since && until && Date.parse(since) >= Date.parse(until)) problems.until = 'Must be after "From".';
  const cursor = text('cursor');
  if (cursor && !CURSOR.test(cursor)) problems.cursor = 'This page link is not valid; start from the first page.';
  if (Object.keys(problems).length > 0) return { form, problems };
  return {
    form,
    problems,
    query: { type: form.type, subject: form.subject, client_id: form.client_id, since, until, cursor, limit: 50 },
  };
}

/** A datetime-local value as an RFC 3339 instant in UTC; '' when empty. */
function utcInstant(value: string, name: string, problems: Record<string, string>): string {
  if (value === '') return '';
  const iso = `${value.length === 16 ? `${value}:00` : value}Z`;
  if (!LOCAL_DATE_TIME.test(value) || Number.isNaN(Date.parse(iso))) {
    problems[name] = 'Use the form YYYY-MM-DDTHH:MM (UTC).';
    return '';
  }
  return iso;
}
