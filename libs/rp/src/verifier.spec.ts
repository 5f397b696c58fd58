import { RpError, RpErrorCode } from './errors';
import { createVerifier, Verifier } from './verifier';
import {
  FakeIssuer, makeKey, publicKeyEncodings, signToken, startCountingServer, startFakeIssuer, TestKey,
} from '../test/fake-issuer';

// A frozen clock: every time below is relative to it, so no test depends on when it runs.
const NOW = 1_800_000_000;
const AUDIENCE = 'partner-app';

let issuer: FakeIssuer;
let attacker: Awaited<ReturnType<typeof startCountingServer>>;
let verifier: Verifier;
let key: TestKey;
let stranger: TestKey;

beforeAll(async () => {
  key = makeKey('key-1');
  stranger = makeKey('key-unpublished');
  issuer = await startFakeIssuer([key]);
  attacker = await startCountingServer();
  verifier = createVerifier({ issuer: issuer.issuer, audience: AUDIENCE, now: () => NOW * 1000, clockToleranceSeconds: 5 });
  await verifier.warmUp();
});

afterAll(async () => {
  verifier.close();
  await issuer.stop();
  await attacker.stop();
});

function accessClaims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    iss: issuer.issuer, sub: 'user-42', aud: AUDIENCE, client_id: AUDIENCE, scope: 'openid profile',
    jti: 'jti-1', iat: NOW - 10, exp: NOW + 300, ...overrides,
  };
}

function idClaims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { iss: issuer.issuer, sub: 'user-42', aud: AUDIENCE, iat: NOW - 10, exp: NOW + 300, nonce: 'n-0S6', ...overrides };
}

const without = (claims: Record<string, unknown>, name: string): Record<string, unknown> => {
  const copy = { ...claims };
  delete copy[name];
  return copy;
};

const accessHeader = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({ alg: 'RS256', kid: 'key-1', typ: 'at+jwt', ...overrides });
const idHeader = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({ alg: 'RS256', kid: 'key-1', typ: 'JWT', ...overrides });
type Header = Record<string, unknown>;
const access = (claims = accessClaims(), header: Header = accessHeader()) => signToken(header, claims, key.privateKey);
const idToken = (claims = idClaims(), header: Header = idHeader()) => signToken(header, claims, key.privateKey);

function tamperPayload(token: string): string {
  const [header, , signature] = token.split('.');
  const claims = { ...accessClaims(), sub: 'admin' };
  return `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
}

function tamperSignature(token: string): string {
  const [header, payload, signature] = token.split('.') as [string, string, string];
  const bytes = Buffer.from(signature, 'base64url');
  bytes[10] = bytes[10]! ^ 0x01;
  return `${header}.${payload}.${bytes.toString('base64url')}`;
}

interface Case {
  name: string;
  kind: 'access' | 'id';
  token: () => string;
  nonce?: string;
  code: RpErrorCode | 'OK';
}

const cases: Case[] = [
  // What must pass, so the refusals below are refusals of the one thing each changes.
  { name: 'a valid access token', kind: 'access', token: () => access(), code: 'OK' },
  { name: 'an access token with typ application/at+jwt', kind: 'access', token: () => access(accessClaims(), accessHeader({ typ: 'application/at+jwt' })), code: 'OK' },
  { name: 'an access token whose aud array contains ours', kind: 'access', token: () => access(accessClaims({ aud: ['other-api', AUDIENCE] })), code: 'OK' },
  { name: 'an access token expired 3 s ago (within the 5 s skew)', kind: 'access', token: () => access(accessClaims({ exp: NOW - 3 })), code: 'OK' },
  { name: 'a valid ID token with the expected nonce', kind: 'id', token: () => idToken(), nonce: 'n-0S6', code: 'OK' },
  { name: 'an ID token without typ', kind: 'id', token: () => idToken(idClaims(), { alg: 'RS256', kid: 'key-1' }), code: 'OK' },
  { name: 'an ID token for two audiences with azp = us', kind: 'id', token: () => idToken(idClaims({ aud: [AUDIENCE, 'other'], azp: AUDIENCE })), code: 'OK' },

  // Algorithm: only RS256, whatever the header says (RFC 8725 §2.1, §3.1).
  { name: 'alg none, unsigned', kind: 'access', token: () => signToken(accessHeader({ alg: 'none' }), accessClaims(), 'none'), code: 'ERR_TOKEN_ALG' },
  { name: 'HS256 with the public key PEM as HMAC secret', kind: 'access', token: () => signToken(accessHeader({ alg: 'HS256' }), accessClaims(), { hmacSecret: publicKeyEncodings(key).pem }), code: 'ERR_TOKEN_ALG' },
  { name: 'HS256 with the public key SPKI DER as HMAC secret', kind: 'access', token: () => signToken(accessHeader({ alg: 'HS256' }), accessClaims(), { hmacSecret: publicKeyEncodings(key).spkiDer }), code: 'ERR_TOKEN_ALG' },
  { name: 'HS256 with the public JWK JSON as HMAC secret', kind: 'access', token: () => signToken(accessHeader({ alg: 'HS256' }), accessClaims(), { hmacSecret: publicKeyEncodings(key).jwkJson }), code: 'ERR_TOKEN_ALG' },
  { name: 'RS512 with the right key', kind: 'access', token: () => signToken(accessHeader({ alg: 'RS512' }), accessClaims(), key.privateKey), code: 'ERR_TOKEN_ALG' },
  { name: 'PS256 with the right key', kind: 'access', token: () => signToken(accessHeader({ alg: 'PS256' }), accessClaims(), key.privateKey), code: 'ERR_TOKEN_ALG' },
  { name: 'alg in another case (rs256)', kind: 'access', token: () => signToken(accessHeader({ alg: 'rs256' }), accessClaims(), key.privateKey), code: 'ERR_TOKEN_ALG' },

  // Key id.
  { name: 'no kid', kind: 'access', token: () => access(accessClaims(), without(accessHeader(), 'kid')), code: 'ERR_TOKEN_KID' },
  { name: 'an empty kid', kind: 'access', token: () => access(accessClaims(), accessHeader({ kid: '' })), code: 'ERR_TOKEN_KID' },
  { name: 'a numeric kid', kind: 'access', token: () => access(accessClaims(), accessHeader({ kid: 1 })), code: 'ERR_TOKEN_KID' },
  { name: 'a kid of 257 characters', kind: 'access', token: () => access(accessClaims(), accessHeader({ kid: 'k'.repeat(257) })), code: 'ERR_TOKEN_KID' },
  { name: 'a kid the issuer does not publish', kind: 'access', token: () => signToken(accessHeader({ kid: stranger.kid }), accessClaims(), stranger.privateKey), code: 'ERR_TOKEN_KEY_UNKNOWN' },

  // Issuer and audience.
  { name: 'another issuer', kind: 'access', token: () => access(accessClaims({ iss: 'https://evil.example' })), code: 'ERR_TOKEN_ISSUER' },
  { name: 'the issuer with a trailing slash', kind: 'access', token: () => access(accessClaims({ iss: `${issuer.issuer}/` })), code: 'ERR_TOKEN_ISSUER' },
  { name: 'another audience', kind: 'access', token: () => access(accessClaims({ aud: 'someone-else' })), code: 'ERR_TOKEN_AUDIENCE' },
  { name: 'an aud array without ours', kind: 'access', token: () => access(accessClaims({ aud: ['a', 'b'] })), code: 'ERR_TOKEN_AUDIENCE' },
  { name: 'an ID token for two audiences without azp', kind: 'id', token: () => idToken(idClaims({ aud: [AUDIENCE, 'other'] })), code: 'ERR_TOKEN_AUDIENCE' },
  { name: 'an ID token whose azp is another party', kind: 'id', token: () => idToken(idClaims({ azp: 'other' })), code: 'ERR_TOKEN_AUDIENCE' },

  // Token type (RFC 9068 §2.1, RFC 8725 §3.11).
  { name: 'an ID token presented as an access token', kind: 'access', token: () => idToken(), code: 'ERR_TOKEN_TYPE' },
  { name: 'an access token presented as an ID token', kind: 'id', token: () => access(), code: 'ERR_TOKEN_TYPE' },
  { name: 'an access token without typ', kind: 'access', token: () => access(accessClaims(), without(accessHeader(), 'typ')), code: 'ERR_TOKEN_TYPE' },
  { name: 'an ID token with typ application/at+jwt', kind: 'id', token: () => idToken(idClaims(), idHeader({ typ: 'application/at+jwt' })), code: 'ERR_TOKEN_TYPE' },

  // Time.
  { name: 'expired a minute ago', kind: 'access', token: () => access(accessClaims({ exp: NOW - 60 })), code: 'ERR_TOKEN_EXPIRED' },
  { name: 'expired exactly at the edge of the skew', kind: 'access', token: () => access(accessClaims({ exp: NOW - 5 })), code: 'ERR_TOKEN_EXPIRED' },
  { name: 'nbf a minute in the future', kind: 'access', token: () => access(accessClaims({ nbf: NOW + 60 })), code: 'ERR_TOKEN_NOT_YET_VALID' },
  { name: 'iat a minute in the future', kind: 'access', token: () => access(accessClaims({ iat: NOW + 60 })), code: 'ERR_TOKEN_NOT_YET_VALID' },
  { name: 'an ID token with iat in the future', kind: 'id', token: () => idToken(idClaims({ iat: NOW + 60 })), code: 'ERR_TOKEN_NOT_YET_VALID' },
  { name: 'exp as a string', kind: 'access', token: () => access(accessClaims({ exp: String(NOW + 300) })), code: 'ERR_TOKEN_CLAIMS' },
  { name: 'exp 1e400 (Infinity: never expiring)', kind: 'access', token: () => signToken(accessHeader(), JSON.stringify(accessClaims()).replace(/"exp":\d+/, '"exp":1e400'), key.privateKey), code: 'ERR_TOKEN_CLAIMS' },

  // Required claims (RFC 9068 §2.2, OIDC Core §2).
  ...['iss', 'sub', 'aud', 'exp', 'iat', 'client_id', 'jti'].map((claim): Case => ({
    name: `an access token without ${claim}`, kind: 'access', token: () => access(without(accessClaims(), claim)), code: 'ERR_TOKEN_CLAIMS',
  })),
  ...['sub', 'exp', 'iat'].map((claim): Case => ({
    name: `an ID token without ${claim}`, kind: 'id', token: () => idToken(without(idClaims(), claim)), code: 'ERR_TOKEN_CLAIMS',
  })),
  { name: 'an empty sub', kind: 'access', token: () => access(accessClaims({ sub: '' })), code: 'ERR_TOKEN_CLAIMS' },
  { name: 'a numeric client_id', kind: 'access', token: () => access(accessClaims({ client_id: 7 })), code: 'ERR_TOKEN_CLAIMS' },

  // Integrity.
  { name: 'a tampered payload', kind: 'access', token: () => tamperPayload(access()), code: 'ERR_TOKEN_SIGNATURE' },
  { name: 'a tampered signature', kind: 'access', token: () => tamperSignature(access()), code: 'ERR_TOKEN_SIGNATURE' },
  { name: 'a signature by another key under our kid', kind: 'access', token: () => signToken(accessHeader(), accessClaims(), stranger.privateKey), code: 'ERR_TOKEN_SIGNATURE' },
  { name: 'an RS256 header without a signature', kind: 'access', token: () => `${access().split('.').slice(0, 2).join('.')}.`, code: 'ERR_TOKEN_MALFORMED' },

  // Shape: refused before any parsing or crypto.
  { name: 'a token over 8192 bytes', kind: 'access', token: () => access(accessClaims({ pad: 'x'.repeat(8200) })), code: 'ERR_TOKEN_TOO_LARGE' },
  { name: 'a non-base64url character', kind: 'access', token: () => access().replace(/^(.{5})./, '$1+'), code: 'ERR_TOKEN_MALFORMED' },
  { name: 'padding "=" in a segment', kind: 'access', token: () => access().replace('.', '=.'), code: 'ERR_TOKEN_MALFORMED' },
  { name: 'a segment of impossible length (4n+1)', kind: 'access', token: () => `eyJhbGciOiJSUzI1NiJ9A.${access().split('.').slice(1).join('.')}`, code: 'ERR_TOKEN_MALFORMED' },
  { name: 'two segments', kind: 'access', token: () => access().split('.').slice(0, 2).join('.'), code: 'ERR_TOKEN_MALFORMED' },
  { name: 'four segments', kind: 'access', token: () => `${access()}.${access().split('.')[2]}`, code: 'ERR_TOKEN_MALFORMED' },
  { name: 'an empty string', kind: 'access', token: () => '', code: 'ERR_TOKEN_MALFORMED' },
  { name: 'a header that is not JSON', kind: 'access', token: () => `${Buffer.from('{alg:RS256').toString('base64url')}.${access().split('.').slice(1).join('.')}`, code: 'ERR_TOKEN_MALFORMED' },
  { name: 'a header that is a JSON array', kind: 'access', token: () => `${Buffer.from('["RS256"]').toString('base64url')}.${access().split('.').slice(1).join('.')}`, code: 'ERR_TOKEN_MALFORMED' },
  { name: 'a payload that is not JSON (signed)', kind: 'access', token: () => signToken(accessHeader(), 'not json', key.privateKey), code: 'ERR_TOKEN_MALFORMED' },
  { name: 'a crit header', kind: 'access', token: () => access(accessClaims(), accessHeader({ crit: ['exp'], exp: NOW + 300 })), code: 'ERR_TOKEN_MALFORMED' },

  // Nonce (OIDC Core §3.1.3.7).
  { name: 'an ID token with another nonce', kind: 'id', token: () => idToken(), nonce: 'expected-nonce', code: 'ERR_TOKEN_NONCE' },
  { name: 'an ID token without nonce when one is expected', kind: 'id', token: () => idToken(without(idClaims(), 'nonce')), nonce: 'n-0S6', code: 'ERR_TOKEN_NONCE' },
];

describe('verifier: every token is accepted or refused with its exact code', () => {
  it.each(cases)('$name → $code', async ({ kind, token: make, nonce, code }) => {
    const token = make();
    const result = kind === 'access' ? verifier.verifyAccessToken(token) : verifier.verifyIdToken(token, { nonce });
    if (code === 'OK') {
      const verified = await result;
      expect(verified).toMatchObject({ kind, claims: { sub: 'user-42' }, header: { alg: 'RS256', kid: 'key-1' } });
      return;
    }
    const err = await result.then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(RpError);
    expect((err as RpError).code).toBe(code);
    // The message is for logs: it never carries the token or any of its parts.
    for (const part of token.split('.').filter((segment) => segment.length > 8)) expect((err as RpError).message).not.toContain(part);
  });

  it('refuses a non-string token as malformed', async () => {
    await expect(verifier.verifyAccessToken(42 as unknown as string)).rejects.toMatchObject({ code: 'ERR_TOKEN_MALFORMED' });
  });

  it('returns the verified claims and the checked header only', async () => {
    const verified = await verifier.verifyAccessToken(access(accessClaims(), accessHeader({ x5u: 'https://evil.example/x' })));
    expect(verified.header).toEqual({ alg: 'RS256', kid: 'key-1', typ: 'at+jwt' });
    expect(verified.claims).toMatchObject({ iss: issuer.issuer, sub: 'user-42', client_id: AUDIENCE, scope: 'openid profile' });
  });

  it('never asks the network per verification once warm', async () => {
    const before = verifier.stats().networkRequests;
    for (let i = 0; i < 50; i++) await verifier.verifyAccessToken(access());
    expect(verifier.stats().networkRequests).toBe(before);
  });
});

describe('verifier: header keys are never fetched or trusted (RFC 8725 §3.10)', () => {
  it.each([
    ['jku pointing at the attacker', (url: string) => ({ jku: `${url}/jwks.json` })],
    ['x5u pointing at the attacker', (url: string) => ({ x5u: `${url}/cert.pem` })],
    ['jwk embedding the attacker key', () => ({ jwk: stranger.jwk })],
  ])('an attacker-signed token with %s and our kid is refused; the attacker host gets no request', async (_name, extra) => {
    const forged = signToken(accessHeader(extra(attacker.url)), accessClaims(), stranger.privateKey);
    await expect(verifier.verifyAccessToken(forged)).rejects.toMatchObject({ code: 'ERR_TOKEN_SIGNATURE' });
    expect(attacker.hits()).toBe(0);
  });

  it('an attacker-signed token with its own kid and a jku is refused as unknown; the attacker host gets no request', async () => {
    const forged = signToken(accessHeader({ kid: 'attacker-key', jku: `${attacker.url}/jwks.json`, jwk: stranger.jwk }), accessClaims(), stranger.privateKey);
    await expect(verifier.verifyAccessToken(forged)).rejects.toMatchObject({ code: 'ERR_TOKEN_KEY_UNKNOWN' });
    expect(attacker.hits()).toBe(0);
  });
});

describe('verifier options', () => {
  it('accepts tokens for any of several audiences', async () => {
    const multi = createVerifier({ issuer: issuer.issuer, audience: ['api-a', AUDIENCE], jwksUri: issuer.jwksUri, now: () => NOW * 1000 });
    try {
      await expect(multi.verifyAccessToken(access())).resolves.toMatchObject({ kind: 'access' });
      await expect(multi.verifyAccessToken(access(accessClaims({ aud: 'api-b' })))).rejects.toMatchObject({ code: 'ERR_TOKEN_AUDIENCE' });
    } finally {
      multi.close();
    }
  });

  it('applies its own clock tolerance and token size limit', async () => {
    const strict = createVerifier({
      issuer: issuer.issuer, audience: AUDIENCE, jwksUri: issuer.jwksUri, now: () => NOW * 1000, clockToleranceSeconds: 0, maxTokenBytes: 1024,
    });
    try {
      await expect(strict.verifyAccessToken(access(accessClaims({ exp: NOW - 1 })))).rejects.toMatchObject({ code: 'ERR_TOKEN_EXPIRED' });
      await expect(strict.verifyAccessToken(access(accessClaims({ exp: NOW + 1 })))).resolves.toMatchObject({ kind: 'access' });
      await expect(strict.verifyAccessToken(access(accessClaims({ pad: 'x'.repeat(600) })))).rejects.toMatchObject({ code: 'ERR_TOKEN_TOO_LARGE' });
    } finally {
      strict.close();
    }
  });

  it.each([
    ['an issuer that is not a URL', { issuer: 'id.example.com', audience: 'a' }],
    ['an issuer with a query', { issuer: 'https://id.example.com/?x=1', audience: 'a' }],
    ['an empty audience', { issuer: 'https://id.example.com', audience: '' }],
    ['an empty audience list', { issuer: 'https://id.example.com', audience: [] }],
    ['a clock tolerance over 300 s', { issuer: 'https://id.example.com', audience: 'a', clockToleranceSeconds: 301 }],
    ['a negative clock tolerance', { issuer: 'https://id.example.com', audience: 'a', clockToleranceSeconds: -1 }],
    ['an http jwksUri for an https issuer', { issuer: 'https://id.example.com', audience: 'a', jwksUri: 'http://id.example.com/jwks' }],
    ['minMaxAge above maxMaxAge', { issuer: 'https://id.example.com', audience: 'a', jwks: { minMaxAgeSeconds: 600, maxMaxAgeSeconds: 60 } }],
    ['a zero minMaxAge (would refetch on every request)', { issuer: 'https://id.example.com', audience: 'a', jwks: { minMaxAgeSeconds: 0 } }],
  ])('refuses %s at creation', (_name, options) => {
    expect(() => createVerifier(options as Parameters<typeof createVerifier>[0])).toThrow(TypeError);
  });
});
