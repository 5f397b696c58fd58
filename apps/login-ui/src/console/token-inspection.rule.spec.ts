import { describeExpiry, decodeToken, duration, MAX_TOKEN_LENGTH } from './token-inspection.rule';

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const jwt = (header: object, claims: object) => `${b64(header)}.${b64(claims)}.c2ln`;

describe('decodeToken (the token inspector)', () => {
  it.each<[string, string, string]>([
    ['an access token', jwt({ alg: 'RS256', kid: 'k', typ: 'at+jwt' }, { sub: 'u', client_id: 'c', aud: 'c' }), 'access token'],
    ['an access token with the media type', jwt({ alg: 'RS256', typ: 'application/at+jwt' }, { sub: 'u' }), 'access token'],
    ['an ID token', jwt({ alg: 'RS256', kid: 'k' }, { sub: 'u', aud: 'c', nonce: 'n' }), 'ID token'],
    ['an ID token with typ JWT', jwt({ alg: 'RS256', typ: 'JWT' }, { sub: 'u', aud: 'c' }), 'ID token'],
    ['a logout token', jwt({ alg: 'RS256', typ: 'logout+jwt' }, { sid: 's' }), 'logout token'],
    ['a status list token', jwt({ alg: 'RS256', typ: 'statuslist+jwt' }, { sub: 'https://x' }), 'JWT'],
    ['surrounding whitespace', `  ${jwt({ alg: 'none' }, { sub: 'u', aud: 'c' })}\n`, 'ID token'],
  ])('decodes %s', (_name, token, kind) => {
    const decoded = decodeToken(token);
    expect(decoded).toMatchObject({ ok: true, kind });
  });

  it.each<[string, string, RegExp]>([
    ['nothing', '   ', /Paste a token/],
    ['a refresh token', 'dGhpcyBpcyBvcGFxdWU', /not a JWT/],
    ['two parts', 'abc.def', /not a signed JWT/],
    ['four parts', 'a.b.c.d', /not a signed JWT/],
    ['a space inside', 'ab c.def.ghi', /not a signed JWT/],
    ['a header that is not JSON', `${Buffer.from('nope').toString('base64url')}.${b64({})}.x`, /not valid base64url-encoded JSON/],
    ['claims that are not an object', `${b64({ alg: 'RS256' })}.${Buffer.from('[1]').toString('base64url')}.x`, /not valid base64url-encoded JSON/],
    ['something huge', `${'a'.repeat(MAX_TOKEN_LENGTH)}.b.c`, /longer than/],
  ])('refuses %s', (_name, token, problem) => {
    const decoded = decodeToken(token);
    expect(decoded.ok).toBe(false);
    expect(decoded.ok ? '' : decoded.problem).toMatch(problem);
  });
});

describe('describeExpiry', () => {
  const now = Date.parse('2026-11-28T10:00:00Z');
  const s = now / 1000;
  it.each<[Record<string, unknown>, string, RegExp]>([
    [{ exp: s + 600 }, 'valid', /^Valid for another 10 min, until 2026-11-28 10:10:00 UTC\.$/],
    [{ exp: s - 30 }, 'expired', /^Expired 30 s ago, at 2026-11-28 09:59:30 UTC\.$/],
    [{ exp: s }, 'expired', /^Expired 0 s ago/],
    [{ exp: s + 600, nbf: s + 60 }, 'not-yet-valid', /^Not valid before 2026-11-28 10:01:00 UTC\.$/],
    [{}, 'none', /no expiry/],
    [{ exp: '1800000000' }, 'none', /no expiry/],
  ])('%j', (claims, state, text) => {
    const expiry = describeExpiry(claims, now);
    expect(expiry.state).toBe(state);
    expect(expiry.text).toMatch(text);
  });

  it.each<[number, string]>([[45_000, '45 s'], [12 * 60_000, '12 min'], [3 * 3_600_000 + 5 * 60_000, '3 h 5 min'], [5 * 3_600_000, '5 h'], [3 * 86_400_000, '3 days']])('duration(%d) = %s', (ms, text) => {
    expect(duration(ms)).toBe(text);
  });
});
