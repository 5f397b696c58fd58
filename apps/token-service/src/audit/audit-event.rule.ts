import { AUDIT_EVENT_TYPES, AuditEventInput, AuditEventType } from '@tessera/contracts';

/** Column widths of audit_events (audit-event.entity.ts): longer values are cut to them. */
export const AUDIT_FIELD_LIMITS = { actor: 255, subject: 255, clientId: 64, sessionId: 64, ip: 64, reason: 64 } as const;
export const AUDIT_DETAIL_LIMITS = { keys: 20, keyLength: 64, valueLength: 200 } as const;

export const REDACTED = '[redacted]';

type TextField = keyof typeof AUDIT_FIELD_LIMITS;
const TEXT_FIELDS = Object.keys(AUDIT_FIELD_LIMITS) as TextField[];
const KNOWN_TYPES: ReadonlySet<string> = new Set(AUDIT_EVENT_TYPES);

// A compact JWS or JWE: a base64url JSON header ("eyJ") and two or four more dot-separated parts.
const JWT_SHAPED = /eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*/;
// Our codes, refresh tokens, session tokens, client secrets and initial access tokens are 32 random
// bytes in base64url (crypto/opaque-token.ts): 43 characters. Our ids are 16 bytes (22 characters),
// so in free text (reason, details) a run of 40 or more such characters is taken for a credential —
// except a key's kid, an RFC 7638 thumbprint of the same shape, only ever written as `details.kid`.
// Identifier fields (subject, client_id, …) are not held to this: a subject may be any string the
// login UI chose, and a filter on it must find it.
const OPAQUE_SECRET_SHAPED = /[A-Za-z0-9_-]{40,}/;
const FREE_TEXT_FIELDS: ReadonlySet<string> = new Set(['reason']);
const CREDENTIAL_SHAPED = /^(Bearer|Basic)\s|^\$argon2/i;
// Detail names that say a string value is a credential, whatever it looks like.
const SECRET_KEY = /(^|[_.])(password|passwd|secret|code|token|cookie|authorization|verifier|challenge|credentials?|assertion)$/i;
const ALLOWED_THUMBPRINT_KEY = 'kid';

export function isAuditEventType(value: unknown): value is AuditEventType {
  return typeof value === 'string' && KNOWN_TYPES.has(value);
}

/**
 * True for a value that must never reach the audit table: a JWT, a bearer credential, or (in free
 * text, `freeText` true) anything as long and random-looking as one of our opaque secrets.
 */
export function looksSecret(value: string, freeText: boolean): boolean {
  if (JWT_SHAPED.test(value) || CREDENTIAL_SHAPED.test(value)) return true;
  return freeText && OPAQUE_SECRET_SHAPED.test(value);
}

export interface SanitisedAuditEvent {
  event: AuditEventInput;
  /** Names of the fields whose values were replaced by REDACTED (for a log line; never the values). */
  redacted: string[];
}

/**
 * Defence in depth for AuditLog.record: callers are told never to pass a secret (contracts audit.ts),
 * and this keeps a mistake out of the table anyway. Text is cut to the column widths; anything
 * shaped like a token or secret, and any string detail named like one, is replaced by REDACTED; details keep
 * scalars only, at most AUDIT_DETAIL_LIMITS.keys of them.
 */
export function sanitiseAuditEvent(input: AuditEventInput): SanitisedAuditEvent {
  const redacted: string[] = [];
  const event: AuditEventInput = { type: input.type };
  for (const field of TEXT_FIELDS) {
    const value = input[field];
    if (typeof value !== 'string' || value.length === 0) continue;
    if (looksSecret(value, FREE_TEXT_FIELDS.has(field))) {
      event[field] = REDACTED;
      redacted.push(field);
    } else {
      event[field] = value.slice(0, AUDIT_FIELD_LIMITS[field]);
    }
  }
  const details: NonNullable<AuditEventInput['details']> = {};
  for (const [key, value] of Object.entries(input.details ?? {}).slice(0, AUDIT_DETAIL_LIMITS.keys)) {
    const name = key.slice(0, AUDIT_DETAIL_LIMITS.keyLength);
    if (typeof value === 'string' && (SECRET_KEY.test(name) || looksSecret(value, name !== ALLOWED_THUMBPRINT_KEY))) {
      details[name] = REDACTED;
      redacted.push(`details.${name}`);
    } else if (typeof value === 'string') {
      details[name] = value.slice(0, AUDIT_DETAIL_LIMITS.valueLength);
    } else if (typeof value === 'boolean' || value === null || (typeof value === 'number' && Number.isFinite(value))) {
      details[name] = value;
    }
  }
  if (Object.keys(details).length > 0) event.details = details;
  return { event, redacted };
}
