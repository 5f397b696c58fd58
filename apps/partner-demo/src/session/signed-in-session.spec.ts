import { createVerifier, EndedSessions, isRpError, Verifier } from '@tessera/rp';
import { FakeIssuer, makeKey, signToken, startFakeIssuer, TestKey } from '../../../../libs/rp/test/fake-issuer';
import { ENDED_AT_TESSERA, verifySession } from './signed-in-session';

const NOW = 1_800_000_000;
const CLIENT = 'partner-demo';

let issuer: FakeIssuer;
let key: TestKey;
let verifier: Verifier;

beforeAll(async () => {
  key = makeKey('key-1');
  issuer = await startFakeIssuer([key]);
  verifier = createVerifier({ issuer: issuer.issuer, audience: CLIENT, now: () => NOW * 1000 });
  await verifier.warmUp();
});

afterAll(async () => {
  verifier.close();
  await issuer.stop();
});

const access = (claims: Record<string, unknown> = {}) => signToken({ alg: 'RS256', kid: 'key-1', typ: 'at+jwt' }, {
  iss: issuer.issuer, sub: 'ada', aud: CLIENT, client_id: CLIENT, scope: 'openid profile', jti: 'j', iat: NOW - 60, exp: NOW + 600, ...claims,
}, key.privateKey);
const id = (claims: Record<string, unknown> = {}) => signToken({ alg: 'RS256', kid: 'key-1', typ: 'JWT' }, {
  iss: issuer.issuer, sub: 'ada', aud: CLIENT, iat: NOW - 60, exp: NOW + 3600, name: 'Ada', sid: 'session-1', ...claims,
}, key.privateKey);
const nothingEnded = new EndedSessions({ now: () => NOW * 1000 });

describe('verifySession', () => {
  it('is signed in when both tokens verify and name the same person', async () => {
    const session = await verifySession(verifier, nothingEnded, { accessToken: access(), idToken: id() });
    expect(session.kind).toBe('signed-in');
    expect(session.kind === 'signed-in' && session.id.claims.name).toBe('Ada');
  });

  it.each([
    ['no cookies', () => ({}), 'no session cookies'],
    ['only the ID token', () => ({ idToken: id() }), 'no session cookies'],
    ['an expired access token', () => ({ accessToken: access({ exp: NOW - 60 }), idToken: id() }), 'ERR_TOKEN_EXPIRED'],
    ['the two cookies swapped', () => ({ accessToken: id(), idToken: access() }), 'ERR_TOKEN_TYPE'],
    ['tokens of two different people', () => ({ accessToken: access({ sub: 'eve' }), idToken: id() }), 'the ID and access tokens name different subjects'],
  ])('is signed out with %s', async (_case, cookies, reason) => {
    expect(await verifySession(verifier, nothingEnded, cookies())).toEqual({ kind: 'signed-out', reason });
  });

  it.each([
    ['its session (sid) was ended', { sid: 'session-1', iat: NOW }, 'signed-out'],
    ['every session of its person was ended (sub only)', { sub: 'ada', iat: NOW }, 'signed-out'],
    ['another session of the same person was ended', { sid: 'session-2', sub: 'ada', iat: NOW }, 'signed-in'],
    ['its person was signed out everywhere before it signed in', { sub: 'ada', iat: NOW - 120 }, 'signed-in'],
  ])('after a back-channel logout where %s, is %s', async (_case, logout, kind) => {
    const ended = new EndedSessions({ now: () => NOW * 1000 });
    ended.end(logout);
    const session = await verifySession(verifier, ended, { accessToken: access(), idToken: id() });
    expect(session.kind === 'signed-out' ? session : session.kind).toEqual(kind === 'signed-in' ? 'signed-in' : { kind, reason: ENDED_AT_TESSERA });
  });

  it('does not call an unverifiable session signed out: the keys being unavailable is thrown (a 503, not a sign-out)', async () => {
    const down = await startFakeIssuer([key]);
    await down.stop();
    const blind = createVerifier({ issuer: down.issuer, audience: CLIENT, now: () => NOW * 1000, jwks: { timeoutMs: 1000 } });
    try {
      const err = await verifySession(blind, nothingEnded, { accessToken: access(), idToken: id() }).catch((e: unknown) => e);
      expect(isRpError(err, 'ERR_JWKS_UNAVAILABLE')).toBe(true);
    } finally {
      blind.close();
    }
  });
});
