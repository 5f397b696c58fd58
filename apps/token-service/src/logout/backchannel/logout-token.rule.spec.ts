import { BACKCHANNEL_LOGOUT_EVENT, LOGOUT_TOKEN_TTL_SECONDS, LOGOUT_TOKEN_TYP, logoutTokenClaims } from './logout-token.rule';

const NOW = Date.UTC(2025, 0, 15, 12, 0, 0, 400);
const FACTS = { issuer: 'https://id.example', clientId: 'client-a', subject: 'user-1', sessionId: 'sid-1', jti: 'jti-1', now: NOW };

describe('logoutTokenClaims (OIDC Back-Channel Logout 1.0 §2.4)', () => {
  const claims = logoutTokenClaims(FACTS);

  it.each<[string, unknown, unknown]>([
    ['iss is the issuer', claims.iss, 'https://id.example'],
    ['aud is the one client it is sent to', claims.aud, 'client-a'],
    ['sub is the person', claims.sub, 'user-1'],
    ['sid is the ended SSO session, as in the ID token', claims.sid, 'sid-1'],
    ['jti is the one given', claims.jti, 'jti-1'],
    ['iat is now, in whole seconds', claims.iat, Math.floor(NOW / 1000)],
    ['exp is two minutes after iat', claims.exp, Math.floor(NOW / 1000) + 120],
    ['events holds exactly the back-channel logout event, as an empty object', claims.events, { [BACKCHANNEL_LOGOUT_EVENT]: {} }],
    ['the event is the one the spec names', BACKCHANNEL_LOGOUT_EVENT, 'http://schemas.openid.net/event/backchannel-logout'],
    ['the token is explicitly typed logout+jwt', LOGOUT_TOKEN_TYP, 'logout+jwt'],
    ['it lives a short time', LOGOUT_TOKEN_TTL_SECONDS, 120],
    ['there is never a nonce', 'nonce' in claims, false],
  ])('%s', (_rule, actual, expected) => {
    expect(actual).toEqual(expected);
  });

  it('carries nothing else (no personal claims, no scope, no nonce)', () => {
    expect(Object.keys(claims).sort()).toEqual(['aud', 'events', 'exp', 'iat', 'iss', 'jti', 'sid', 'sub']);
  });

  it.each([
    ['another client', { clientId: 'client-b' }, { aud: 'client-b' }],
    ['another session', { sessionId: 'sid-2' }, { sid: 'sid-2' }],
    ['a retry later on, re-signed with a fresh jti', { jti: 'jti-2', now: NOW + 61_000 }, { jti: 'jti-2', iat: Math.floor(NOW / 1000) + 61, exp: Math.floor(NOW / 1000) + 181 }],
  ])('follows its facts: %s', (_case, change, expected) => {
    expect(logoutTokenClaims({ ...FACTS, ...change })).toMatchObject(expected);
  });
});
