import express from 'express';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeIssuer, makeKey, signToken, startFakeIssuer, TestKey } from '../test/fake-issuer';
import { requireToken } from './express-middleware';
import { tesseraAuth } from './request-auth';
import type { TokenRequirementOptions } from './request-auth';
import { createVerifier, Verifier } from './verifier';

// A frozen clock: tokens below are valid or expired relative to it, whenever the test runs.
const NOW = 1_800_000_000;
const AUDIENCE = 'partner-app';

let issuer: FakeIssuer;
let key: TestKey;
let verifier: Verifier;
const servers: Server[] = [];

beforeAll(async () => {
  key = makeKey('key-1');
  issuer = await startFakeIssuer([key]);
  verifier = createVerifier({ issuer: issuer.issuer, audience: AUDIENCE, now: () => NOW * 1000 });
  await verifier.warmUp();
});

afterAll(async () => {
  verifier.close();
  await Promise.all(servers.map((s) => new Promise((resolve) => { s.closeAllConnections(); s.close(resolve); })));
  await issuer.stop();
});

const accessToken = (claims: Record<string, unknown> = {}) => signToken(
  { alg: 'RS256', kid: 'key-1', typ: 'at+jwt' },
  { iss: issuer.issuer, sub: 'user-42', aud: AUDIENCE, client_id: AUDIENCE, scope: 'openid profile', jti: 'j1', iat: NOW - 10, exp: NOW + 300, ...claims },
  key.privateKey,
);
const idToken = () => signToken(
  { alg: 'RS256', kid: 'key-1', typ: 'JWT' },
  { iss: issuer.issuer, sub: 'user-42', aud: AUDIENCE, iat: NOW - 10, exp: NOW + 300, name: 'Ada' },
  key.privateKey,
);

/** An Express app with one route behind the middleware, answering what `tesseraAuth(req)` holds. */
async function appWith(options: TokenRequirementOptions = {}, withVerifier: Verifier = verifier): Promise<string> {
  const app = express();
  app.get('/resource', requireToken(withVerifier, options), (req, res) => {
    const auth = tesseraAuth(req);
    res.json(auth ? { sub: auth.claims.sub, kind: auth.kind, source: auth.source } : { anonymous: true });
  });
  return listen(createServer(app));
}

async function listen(server: Server): Promise<string> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/resource`;
}

async function call(url: string, headers: Record<string, string> = {}) {
  const res = await fetch(url, { headers });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, body: JSON.parse(text) as Record<string, unknown> };
}

describe('requireToken', () => {
  let url: string;
  beforeAll(async () => {
    url = await appWith();
  });

  it.each(['Bearer', 'bearer', 'BEARER'])('lets a valid access token through with scheme %p and exposes its claims', async (scheme) => {
    const res = await call(url, { authorization: `${scheme} ${accessToken()}` });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ sub: 'user-42', kind: 'access', source: 'authorization' });
  });

  it('answers a request without a token with 401 and a bare challenge, no error attributes (RFC 6750 §3.1)', async () => {
    const res = await call(url);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="tessera"');
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.body.error).toBe('unauthorized');
  });

  it('treats another auth scheme as no bearer token', async () => {
    const res = await call(url, { authorization: 'Basic dXNlcjpwYXNz' });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="tessera"');
  });

  it.each([
    ['no token after the scheme', 'Bearer'],
    ['two tokens', `Bearer ${'a'.repeat(20)} ${'b'.repeat(20)}`],
    ['characters outside b64token', 'Bearer abc,def'],
  ])('refuses a Bearer header with %s as 400 invalid_request', async (_case, header) => {
    const res = await call(url, { authorization: header });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer realm="tessera", error="invalid_request", error_description="[^"]+"$/);
  });

  it.each([
    ['an expired token', () => accessToken({ exp: NOW - 60 }), 'The token has expired'],
    ['a token for another audience', () => accessToken({ aud: 'someone-else' }), 'The token is meant for another audience'],
    ['an ID token', () => idToken(), 'The token is not an access token'],
    ['a token that is not a JWT', () => 'not-a-jwt', 'The token is malformed'],
  ])('refuses %s with 401 invalid_token and a description that does not repeat the token', async (_case, token, description) => {
    const sent = token();
    const res = await call(url, { authorization: `Bearer ${sent}` });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe(`Bearer realm="tessera", error="invalid_token", error_description="${description}"`);
    expect(res.body).toEqual({ error: 'invalid_token', error_description: description });
    expect(res.text).not.toContain(sent);
  });

  it('answers 503 with Retry-After and no challenge when the issuer\'s keys cannot be had', async () => {
    const down = await startFakeIssuer([key]);
    await down.stop();
    const blind = createVerifier({ issuer: down.issuer, audience: AUDIENCE, now: () => NOW * 1000, jwks: { timeoutMs: 1000 } });
    try {
      const res = await call(await appWith({ retryAfterSeconds: 7 }, blind), { authorization: `Bearer ${accessToken()}` });
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('7');
      expect(res.headers.get('www-authenticate')).toBeNull();
      expect(res.body.error).toBe('temporarily_unavailable');
    } finally {
      blind.close();
    }
  });
});

describe('requireToken with a session cookie', () => {
  let url: string;
  beforeAll(async () => {
    url = await appWith({ cookieName: 'session_at', realm: 'shop' });
  });

  it('reads the token from the cookie when no Bearer header is sent', async () => {
    const res = await call(url, { cookie: `theme=dark; session_at=${accessToken()}; other=1` });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ sub: 'user-42', kind: 'access', source: 'cookie' });
  });

  it('prefers the Bearer header over the cookie', async () => {
    const res = await call(url, { authorization: `Bearer ${accessToken()}`, cookie: 'session_at=garbage' });
    expect(res.status).toBe(200);
    expect(res.body.source).toBe('authorization');
  });

  it('refuses a broken session cookie as an invalid token, in its own realm', async () => {
    const res = await call(url, { cookie: 'session_at=garbage' });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="shop", error="invalid_token", error_description="The token is malformed"');
  });

  it('does not take the token from a cookie of another name', async () => {
    const res = await call(url, { cookie: `xsession_at=${accessToken()}` });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="shop"');
  });
});

describe('requireToken options', () => {
  it('accepts ID tokens (and only those) with kind "id"', async () => {
    const url = await appWith({ kind: 'id', cookieName: 'session_id' });
    expect((await call(url, { cookie: `session_id=${idToken()}` })).body).toEqual({ sub: 'user-42', kind: 'id', source: 'cookie' });
    const refused = await call(url, { cookie: `session_id=${accessToken()}` });
    expect(refused.status).toBe(401);
    expect(refused.body.error_description).toBe('The token is not an ID token');
  });

  it('lets a request without a token through when optional, but still refuses a bad one', async () => {
    const url = await appWith({ optional: true });
    expect(await call(url)).toMatchObject({ status: 200, body: { anonymous: true } });
    expect((await call(url, { authorization: `Bearer ${accessToken({ exp: NOW - 60 })}` })).status).toBe(401);
  });

  it('works as plain node:http middleware, without Express', async () => {
    const middleware = requireToken(verifier);
    const url = await listen(createServer((req, res) => {
      middleware(req, res, (err) => res.end(err ? 'error' : `hello ${tesseraAuth(req)?.claims.sub}`));
    }));
    expect(await (await fetch(url, { headers: { authorization: `Bearer ${accessToken()}` } })).text()).toBe('hello user-42');
    expect((await fetch(url)).status).toBe(401);
  });

  it.each([
    [{ cookieName: 'bad name' }, /cookie name/],
    [{ realm: 'say "hi"' }, /realm/],
    [{ kind: 'refresh' as 'access' }, /kind/],
    [{ retryAfterSeconds: -1 }, /retryAfterSeconds/],
  ])('refuses bad options when built: %p', (options, message) => {
    expect(() => requireToken(verifier, options)).toThrow(message);
  });
});
