import { sessionFrom } from './console-sign-in';

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const now = Date.parse('2026-11-28T10:00:00Z');
const accessToken = (claims: Record<string, unknown>) =>
  `${b64({ alg: 'RS256', typ: 'at+jwt', kid: 'k' })}.${b64({ sub: 'u1', client_id: 'tessera-console', exp: now / 1000 + 900, ...claims })}.sig`;

describe('sessionFrom (what the console keeps after signing in)', () => {
  it.each<[string, Record<string, unknown>, { name?: unknown; preferred_username?: unknown }, { admin: boolean; name: string }]>([
    ['an administrator', { scope: 'openid profile tessera:admin', roles: ['admin'] }, { name: 'Ada Lovelace', preferred_username: 'ada' }, { admin: true, name: 'Ada Lovelace' }],
    ['a person without the role', { scope: 'openid profile tessera:admin', roles: [] }, { preferred_username: 'bob' }, { admin: false, name: 'bob' }],
    ['the role without the scope', { scope: 'openid profile', roles: ['admin'] }, {}, { admin: false, name: 'u1' }],
    ['an access token of another person', { sub: 'u2', scope: 'tessera:admin', roles: ['admin'] }, {}, { admin: false, name: 'u1' }],
  ])('%s', (_name, claims, idClaims, expected) => {
    const session = sessionFrom({ accessToken: accessToken(claims), idToken: 'id', expiresIn: 900, claims: { sub: 'u1', ...idClaims } }, now);
    expect(session).toMatchObject({ sub: 'u1', ...expected, accessToken: accessToken(claims), idToken: 'id' });
  });

  it.each<[string, number | undefined, number, number]>([
    ['expires_in and exp agree', 900, 900, now + 900_000],
    ['expires_in is shorter', 60, 900, now + 60_000],
    ['exp is sooner than expires_in says', 900, 30, now + 30_000],
    ['no expires_in', undefined, 300, now + 300_000],
  ])('ends when the access token does: %s', (_name, expiresIn, expSeconds, expected) => {
    const session = sessionFrom({ accessToken: accessToken({ exp: now / 1000 + expSeconds }), idToken: 'id', expiresIn, claims: { sub: 'u1' } }, now);
    expect(session.expiresAt).toBe(expected);
  });
});
