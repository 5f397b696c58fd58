import { AuditEventInput } from '@tessera/contracts';
import { REDACTED, sanitiseAuditEvent } from './audit-event.rule';

// Shapes of what must never reach the table (contracts audit.ts).
const JWT = 'eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLWJ5dGVz';
const OPAQUE = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk'; // 32 random bytes, base64url: a code, refresh token, secret
const THUMBPRINT = 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs'; // RFC 7638 §3.1's example kid

describe('sanitiseAuditEvent (defence in depth for AuditLog.record)', () => {
  it('keeps an ordinary event as it is', () => {
    const event: AuditEventInput = {
      type: 'token.issued', actor: 'client:abc', subject: '6f0c1a52-2f4e-4c5e-9d53-2b0e8a1f7c11', clientId: 'abc', sessionId: 's1',
      ip: '2001:db8::1', reason: 'reuse', details: { grant_type: 'authorization_code', jti: 'Jti-16-bytes-b64url', count: 2, first: true, none: null },
    };
    expect(sanitiseAuditEvent(event)).toEqual({ event, redacted: [] });
  });

  it.each([
    ['a JWT', { jti: JWT }, 'details.jti'],
    ['a JWT inside a longer text', { note: `Bearer-less ${JWT} here` }, 'details.note'],
    ['a JWE (five parts)', { token_type: `${JWT}.part4.part5` }, 'details.token_type'],
    ['an opaque 256-bit secret', { grant: OPAQUE }, 'details.grant'],
    ['a bearer credential', { header: `Bearer ${'x'.repeat(10)}` }, 'details.header'],
    ['a Basic credential', { header: 'Basic YWxpY2U6c2VjcmV0' }, 'details.header'],
    ['an argon2 hash', { hash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA' }, 'details.hash'],
    ['a detail named password', { password: 'hunter2' }, 'details.password'],
    ['a detail named client_secret', { client_secret: 'short' }, 'details.client_secret'],
    ['a detail named code', { code: 'abc' }, 'details.code'],
    ['a detail named refresh_token', { refresh_token: 'abc' }, 'details.refresh_token'],
    ['a detail named cookie', { 'session.cookie': 'abc' }, 'details.session.cookie'],
    ['a detail named code_verifier', { code_verifier: 'abc' }, 'details.code_verifier'],
  ])('redacts %s in details', (_case, details, field) => {
    const { event, redacted } = sanitiseAuditEvent({ type: 'token.issued', details: details as AuditEventInput['details'] });
    expect(redacted).toEqual([field]);
    expect(Object.values(event.details ?? {})).toEqual([REDACTED]);
  });

  it.each([
    ['a kid, an RFC 7638 thumbprint, under `kid`', { kid: THUMBPRINT }],
    ['a boolean named like a token', { refresh_token: true }],
    ['a grant type naming a token', { grant_type: 'refresh_token' }],
    ['a name that merely contains "code"', { code_hash_alg: 'S256' }],
    ['an id of 16 random bytes', { grant: 'AAECAwQFBgcICQoLDA0ODw' }],
  ])('keeps %s', (_case, details) => {
    expect(sanitiseAuditEvent({ type: 'key.activated', details: details as AuditEventInput['details'] })).toEqual({
      event: { type: 'key.activated', details }, redacted: [],
    });
  });

  it('redacts a thumbprint-shaped value under any other name than kid', () => {
    expect(sanitiseAuditEvent({ type: 'key.activated', details: { key: THUMBPRINT } }).redacted).toEqual(['details.key']);
  });

  it.each([
    ['reason', { reason: OPAQUE }],
    ['subject', { subject: JWT }],
    ['actor', { actor: `Bearer ${OPAQUE}` }],
    ['clientId', { clientId: JWT }],
  ])('redacts a secret in %s', (field, fields) => {
    const { event, redacted } = sanitiseAuditEvent({ type: 'sign_in.failed', ...fields });
    expect(redacted).toEqual([field]);
    expect(event[field as keyof AuditEventInput]).toBe(REDACTED);
  });

  it('keeps a long subject that is an identifier, not free text (a filter must find it)', () => {
    const subject = 'a'.repeat(64);
    expect(sanitiseAuditEvent({ type: 'logout', subject }).event.subject).toBe(subject);
  });

  it('cuts text to the column widths and keeps at most 20 scalar details', () => {
    const details: Record<string, unknown> = { long: 'x y '.repeat(125), nested: { a: 1 }, list: [1], nan: Number.NaN, infinite: Infinity };
    for (let i = 0; i < 30; i++) details[`k${i}`] = i;
    const { event } = sanitiseAuditEvent({
      type: 'sign_in.failed', subject: 's'.repeat(300), clientId: 'c'.repeat(100), ip: '1'.repeat(100), reason: 'too many '.repeat(20),
      details: details as AuditEventInput['details'],
    });
    expect([event.subject?.length, event.clientId?.length, event.ip?.length, event.reason?.length]).toEqual([255, 64, 64, 64]);
    expect(event.details?.long).toBe('x y '.repeat(50));
    expect(Object.keys(event.details ?? {})).toEqual(['long', ...Array.from({ length: 15 }, (_, i) => `k${i}`)]);
  });

  it('drops empty and absent fields', () => {
    expect(sanitiseAuditEvent({ type: 'logout', actor: '', subject: null, details: {} })).toEqual({ event: { type: 'logout' }, redacted: [] });
  });
});
