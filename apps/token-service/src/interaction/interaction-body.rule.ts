import { AcceptConsentBody, AcceptLoginBody, IdentityClaims, InvalidRequest, RejectBody } from '@tessera/contracts';

// The login UI is trusted, but its bodies are still checked: a bug there must not mint odd tokens.

export function readAcceptLogin(body: unknown): AcceptLoginBody {
  const b = object(body);
  const subject = b.subject;
  if (typeof subject !== 'string' || subject.length === 0 || subject.length > 255) throw new InvalidRequest('subject must be a string of 1 to 255 characters');
  if (typeof b.remember !== 'boolean') throw new InvalidRequest('remember must be a boolean');
  const amr = stringArray(b.amr ?? [], 'amr', 10, 32);
  return { subject, remember: b.remember, amr, claims: readClaims(b.claims ?? {}) };
}

export function readAcceptConsent(body: unknown): AcceptConsentBody {
  const b = object(body);
  if (typeof b.remember !== 'boolean') throw new InvalidRequest('remember must be a boolean');
  return { grantScope: stringArray(b.grantScope, 'grantScope', 20, 64), remember: b.remember };
}

export function readReject(body: unknown): RejectBody {
  const b = object(body);
  if (typeof b.error !== 'string' || !/^[a-z_]{1,64}$/.test(b.error)) throw new InvalidRequest('error must be an OAuth error code');
  const description = b.errorDescription;
  if (description !== undefined && (typeof description !== 'string' || description.length > 500)) {
    throw new InvalidRequest('errorDescription must be a string of at most 500 characters');
  }
  // RFC 6749 §4.1.2.1: error_description is limited to printable ASCII without " and \.
  const safe = description?.replace(/[^\x20-\x21\x23-\x5b\x5d-\x7e]/g, '');
  return { error: b.error, ...(safe ? { errorDescription: safe } : {}) };
}

function readClaims(value: unknown): IdentityClaims {
  const c = object(value, 'claims');
  const claims: IdentityClaims = {};
  for (const name of ['preferred_username', 'name', 'given_name', 'family_name', 'email', 'picture', 'locale', 'zoneinfo'] as const) {
    const v = c[name];
    if (v === undefined) continue;
    if (typeof v !== 'string' || v.length > 320) throw new InvalidRequest(`claims.${name} must be a string`);
    claims[name] = v;
  }
  if (c.email_verified !== undefined) {
    if (typeof c.email_verified !== 'boolean') throw new InvalidRequest('claims.email_verified must be a boolean');
    claims.email_verified = c.email_verified;
  }
  if (c.roles !== undefined) claims.roles = stringArray(c.roles, 'claims.roles', 20, 64);
  if (c.updated_at !== undefined) {
    if (!Number.isInteger(c.updated_at)) throw new InvalidRequest('claims.updated_at must be seconds since the epoch');
    claims.updated_at = c.updated_at as number;
  }
  return claims;
}

function object(value: unknown, name = 'body'): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InvalidRequest(`${name} must be a JSON object`);
  return value as Record<string, unknown>;
}

function stringArray(value: unknown, name: string, maxItems: number, maxLength: number): string[] {
  if (!Array.isArray(value) || value.length > maxItems || !value.every((v) => typeof v === 'string' && v.length > 0 && v.length <= maxLength)) {
    throw new InvalidRequest(`${name} must be an array of at most ${maxItems} short strings`);
  }
  return value as string[];
}
