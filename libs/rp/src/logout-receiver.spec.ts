import express from 'express';
import { randomUUID } from 'node:crypto';
import { createServer, request, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { FakeIssuer, makeKey, publicKeyEncodings, signToken, startFakeIssuer, TestKey } from '../test/fake-issuer';
import { backChannelLogoutHandler } from './backchannel-logout-handler';
import { BACKCHANNEL_LOGOUT_EVENT } from './claim-checks';
import { RpError, RpErrorCode } from './errors';
import { createLogoutReceiver, LogoutEvent, LogoutReceiver, LogoutReceiverOptions } from './logout-receiver';
import { createVerifier, Verifier } from './verifier';

// A frozen clock: every time below is relative to it, so no test depends on when it runs.
const NOW = 1_800_000_000;
const CLIENT = 'partner-app';

let issuer: FakeIssuer;
let key: TestKey;
let stranger: TestKey;
let verifier: Verifier;
const servers: Server[] = [];

beforeAll(async () => {
  key = makeKey('key-1');
  stranger = makeKey('key-unpublished');
  issuer = await startFakeIssuer([key]);
  verifier = createVerifier({ issuer: issuer.issuer, audience: CLIENT, now: () => NOW * 1000, clockToleranceSeconds: 5 });
  await verifier.warmUp();
});

afterAll(async () => {
  verifier.close();
  await Promise.all(servers.map((s) => new Promise((resolve) => { s.closeAllConnections(); s.close(resolve); })));
  await issuer.stop();
});

type Claims = Record<string, unknown>;
type Header = Record<string, unknown>;

/** What Tessera sends (Back-Channel Logout 1.0 §2.4), with a fresh jti each time so rows never replay each other. */
function logoutClaims(overrides: Claims = {}): Claims {
  return {
    iss: issuer.issuer, aud: CLIENT, iat: NOW - 5, exp: NOW + 115, jti: randomUUID(), sub: 'user-42', sid: 'session-7',
    events: { [BACKCHANNEL_LOGOUT_EVENT]: {} }, ...overrides,
  };
}
const logoutHeader = (overrides: Header = {}): Header => ({ alg: 'RS256', kid: 'key-1', typ: 'logout+jwt', ...overrides });
const logoutToken = (claims: Claims = logoutClaims(), header: Header = logoutHeader()) => signToken(header, claims, key.privateKey);
const without = (claims: Claims, ...names: string[]): Claims => Object.fromEntries(Object.entries(claims).filter(([name]) => !names.includes(name)));
const idToken = () => signToken(
  { alg: 'RS256', kid: 'key-1', typ: 'JWT' },
  { iss: issuer.issuer, sub: 'user-42', aud: CLIENT, iat: NOW - 5, exp: NOW + 300, nonce: 'n-0S6', sid: 'session-7' },
  key.privateKey,
);

interface Receiving {
  receiver: LogoutReceiver;
  events: LogoutEvent[];
}

function receiving(options: Partial<LogoutReceiverOptions> = {}): Receiving {
  const events: LogoutEvent[] = [];
  const receiver = createLogoutReceiver({ verifier, onLogout: (event) => { events.push(event); }, now: () => NOW * 1000, ...options });
  return { receiver, events };
}

async function listen(server: Server): Promise<string> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/backchannel-logout`;
}

/**
 * The handler on a bare node:http server; an error passed to next becomes a 500, as a framework
 * would answer. Refusals are collected in `refusals` when given.
 */
function endpoint(receiver: LogoutReceiver, refusals?: Array<{ status: number; reason: string }>): Promise<string> {
  const handler = backChannelLogoutHandler(receiver, { onRefusal: (refusal) => refusals?.push(refusal) });
  return listen(createServer((req, res) => handler(req, res, () => {
    res.statusCode = 500;
    res.end('next(err)');
  })));
}

const form = (fields: Record<string, string | string[]>): string => {
  const body = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) for (const item of [value].flat()) body.append(name, item);
  return body.toString();
};

interface Reply {
  status: number;
  headers: Headers;
  body: unknown;
}

async function post(url: string, body: string | Buffer, headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' }, method = 'POST'): Promise<Reply> {
  const res = await fetch(url, { method, headers, ...(method === 'GET' ? {} : { body }) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text === '' ? undefined : JSON.parse(text) };
}

interface TokenCase {
  name: string;
  token: () => string;
  code: RpErrorCode | 'OK';
}

const tokenCases: TokenCase[] = [
  // What must pass, so the refusals below are refusals of the one thing each changes.
  { name: 'a logout token as Tessera sends it', token: () => logoutToken(), code: 'OK' },
  { name: 'typ application/logout+jwt', token: () => logoutToken(logoutClaims(), logoutHeader({ typ: 'application/logout+jwt' })), code: 'OK' },
  { name: 'sid only', token: () => logoutToken(without(logoutClaims(), 'sub')), code: 'OK' },
  { name: 'sub only', token: () => logoutToken(without(logoutClaims(), 'sid')), code: 'OK' },
  { name: 'an aud array holding our client_id', token: () => logoutToken(logoutClaims({ aud: ['other', CLIENT] })), code: 'OK' },
  { name: 'no exp, issued a minute ago', token: () => logoutToken(without(logoutClaims({ iat: NOW - 60 }), 'exp')), code: 'OK' },
  { name: 'an events member with content (SHOULD be empty, MAY not be)', token: () => logoutToken(logoutClaims({ events: { [BACKCHANNEL_LOGOUT_EVENT]: { reason: 'x' } } })), code: 'OK' },

  // Algorithm and key: as for every token (RFC 8725 §2.1, §3.1).
  { name: 'alg none, unsigned', token: () => signToken(logoutHeader({ alg: 'none' }), logoutClaims(), 'none'), code: 'ERR_TOKEN_ALG' },
  { name: 'HS256 with the public key PEM as HMAC secret', token: () => signToken(logoutHeader({ alg: 'HS256' }), logoutClaims(), { hmacSecret: publicKeyEncodings(key).pem }), code: 'ERR_TOKEN_ALG' },
  { name: 'HS256 with the public JWK JSON as HMAC secret', token: () => signToken(logoutHeader({ alg: 'HS256' }), logoutClaims(), { hmacSecret: publicKeyEncodings(key).jwkJson }), code: 'ERR_TOKEN_ALG' },
  { name: 'RS512 with the right key', token: () => signToken(logoutHeader({ alg: 'RS512' }), logoutClaims(), key.privateKey), code: 'ERR_TOKEN_ALG' },
  { name: 'no kid', token: () => logoutToken(logoutClaims(), without(logoutHeader(), 'kid')), code: 'ERR_TOKEN_KID' },
  { name: 'a kid the issuer does not publish', token: () => signToken(logoutHeader({ kid: stranger.kid }), logoutClaims(), stranger.privateKey), code: 'ERR_TOKEN_KEY_UNKNOWN' },
  { name: 'signed by another key under our kid', token: () => signToken(logoutHeader(), logoutClaims(), stranger.privateKey), code: 'ERR_TOKEN_SIGNATURE' },
  { name: 'a crit header', token: () => logoutToken(logoutClaims(), logoutHeader({ crit: ['exp'] })), code: 'ERR_TOKEN_MALFORMED' },
  { name: 'a token over 8192 bytes', token: () => logoutToken(logoutClaims({ pad: 'x'.repeat(8200) })), code: 'ERR_TOKEN_TOO_LARGE' },

  // Explicit type (§2.4, §4.1 cross-JWT confusion).
  { name: 'typ JWT', token: () => logoutToken(logoutClaims(), logoutHeader({ typ: 'JWT' })), code: 'ERR_TOKEN_TYPE' },
  { name: 'no typ', token: () => logoutToken(logoutClaims(), without(logoutHeader(), 'typ')), code: 'ERR_TOKEN_TYPE' },
  { name: 'typ at+jwt', token: () => logoutToken(logoutClaims(), logoutHeader({ typ: 'at+jwt' })), code: 'ERR_TOKEN_TYPE' },
  { name: 'an ID token of the same session presented as a logout token', token: () => idToken(), code: 'ERR_TOKEN_TYPE' },

  // The logout token's own claims (§2.6 steps 5–7).
  { name: 'ID token claims under typ logout+jwt (no events, a nonce)', token: () => logoutToken(without(logoutClaims({ nonce: 'n-0S6' }), 'events')), code: 'ERR_LOGOUT_TOKEN_INVALID' },
  { name: 'no events', token: () => logoutToken(without(logoutClaims(), 'events')), code: 'ERR_LOGOUT_TOKEN_INVALID' },
  { name: 'events a string', token: () => logoutToken(logoutClaims({ events: BACKCHANNEL_LOGOUT_EVENT })), code: 'ERR_LOGOUT_TOKEN_INVALID' },
  { name: 'events an array', token: () => logoutToken(logoutClaims({ events: [BACKCHANNEL_LOGOUT_EVENT] })), code: 'ERR_LOGOUT_TOKEN_INVALID' },
  { name: 'events without the back-channel member', token: () => logoutToken(logoutClaims({ events: { 'http://schemas.openid.net/event/other': {} } })), code: 'ERR_LOGOUT_TOKEN_INVALID' },
  { name: 'the back-channel member true', token: () => logoutToken(logoutClaims({ events: { [BACKCHANNEL_LOGOUT_EVENT]: true } })), code: 'ERR_LOGOUT_TOKEN_INVALID' },
  { name: 'the back-channel member null', token: () => logoutToken(logoutClaims({ events: { [BACKCHANNEL_LOGOUT_EVENT]: null } })), code: 'ERR_LOGOUT_TOKEN_INVALID' },
  { name: 'the back-channel member an array', token: () => logoutToken(logoutClaims({ events: { [BACKCHANNEL_LOGOUT_EVENT]: [] } })), code: 'ERR_LOGOUT_TOKEN_INVALID' },
  { name: 'a nonce', token: () => logoutToken(logoutClaims({ nonce: 'n-0S6' })), code: 'ERR_LOGOUT_TOKEN_INVALID' },
  { name: 'an empty nonce', token: () => logoutToken(logoutClaims({ nonce: '' })), code: 'ERR_LOGOUT_TOKEN_INVALID' },
  { name: 'neither sub nor sid', token: () => logoutToken(without(logoutClaims(), 'sub', 'sid')), code: 'ERR_LOGOUT_TOKEN_INVALID' },
  { name: 'an empty sid', token: () => logoutToken(logoutClaims({ sid: '' })), code: 'ERR_LOGOUT_TOKEN_INVALID' },
  { name: 'a numeric sub', token: () => logoutToken(logoutClaims({ sub: 42 })), code: 'ERR_LOGOUT_TOKEN_INVALID' },

  // Issuer, audience, time (§2.6 step 4).
  { name: 'another issuer', token: () => logoutToken(logoutClaims({ iss: 'https://evil.example' })), code: 'ERR_TOKEN_ISSUER' },
  { name: 'another audience', token: () => logoutToken(logoutClaims({ aud: 'someone-else' })), code: 'ERR_TOKEN_AUDIENCE' },
  { name: 'expired a minute ago', token: () => logoutToken(logoutClaims({ iat: NOW - 180, exp: NOW - 60 })), code: 'ERR_TOKEN_EXPIRED' },
  { name: 'no exp and issued ten minutes ago (past the 300 s maximum age)', token: () => logoutToken(without(logoutClaims({ iat: NOW - 600 }), 'exp')), code: 'ERR_TOKEN_EXPIRED' },
  { name: 'an exp far ahead but issued ten minutes ago', token: () => logoutToken(logoutClaims({ iat: NOW - 600, exp: NOW + 86400 })), code: 'ERR_TOKEN_EXPIRED' },
  { name: 'iat a minute in the future', token: () => logoutToken(logoutClaims({ iat: NOW + 60 })), code: 'ERR_TOKEN_NOT_YET_VALID' },
  { name: 'no iat', token: () => logoutToken(without(logoutClaims(), 'iat')), code: 'ERR_TOKEN_CLAIMS' },
  { name: 'no jti', token: () => logoutToken(without(logoutClaims(), 'jti')), code: 'ERR_TOKEN_CLAIMS' },
  { name: 'a numeric jti', token: () => logoutToken(logoutClaims({ jti: 7 })), code: 'ERR_TOKEN_CLAIMS' },
  { name: 'no aud', token: () => logoutToken(without(logoutClaims(), 'aud')), code: 'ERR_TOKEN_CLAIMS' },
];

describe('logout receiver: every logout token is accepted or refused with its exact code (Back-Channel Logout 1.0 §2.6)', () => {
  let receiver: LogoutReceiver;
  let events: LogoutEvent[];
  beforeAll(() => {
    ({ receiver, events } = receiving());
  });

  it.each(tokenCases)('$name → $code', async ({ token: make, code }) => {
    const token = make();
    const before = events.length;
    const result = receiver.receive(token);
    if (code === 'OK') {
      const event = await result;
      expect(events.slice(before)).toEqual([event]);
      return;
    }
    const err = await result.then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(RpError);
    expect((err as RpError).code).toBe(code);
    expect(events.length).toBe(before);
    for (const part of token.split('.').filter((segment) => segment.length > 8)) expect((err as RpError).message).not.toContain(part);
  });

  it('hands onLogout exactly the jti, iat, sub and sid of the token', async () => {
    const claims = logoutClaims();
    await expect(receiver.receive(logoutToken(claims))).resolves.toEqual({ jti: claims.jti, iat: NOW - 5, sub: 'user-42', sid: 'session-7' });
    await expect(receiver.receive(logoutToken(without(logoutClaims(), 'sub')))).resolves.not.toHaveProperty('sub');
  });
});

describe('logout receiver: replays (§2.6 step 8)', () => {
  it('refuses a jti it has received, without calling onLogout again', async () => {
    const { receiver, events } = receiving();
    const token = logoutToken();
    await receiver.receive(token);
    await expect(receiver.receive(token)).rejects.toMatchObject({ code: 'ERR_LOGOUT_TOKEN_REPLAYED' });
    // Another token with the same jti (re-signed, say) is the same logout.
    await expect(receiver.receive(logoutToken(logoutClaims({ jti: JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).jti })))).rejects.toMatchObject({ code: 'ERR_LOGOUT_TOKEN_REPLAYED' });
    expect(events).toHaveLength(1);
  });

  it('lets only one of two concurrent deliveries of a token through', async () => {
    const { receiver, events } = receiving();
    const token = logoutToken();
    const results = await Promise.allSettled([receiver.receive(token), receiver.receive(token)]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(events).toHaveLength(1);
  });

  it('forgets the jti when onLogout fails, so the issuer\'s retry of the same token ends the session', async () => {
    let failures = 1;
    const ended: LogoutEvent[] = [];
    const receiver = createLogoutReceiver({
      verifier, now: () => NOW * 1000,
      onLogout: async (event) => {
        if (failures-- > 0) throw new Error('session store down');
        ended.push(event);
      },
    });
    const token = logoutToken();
    await expect(receiver.receive(token)).rejects.toThrow('session store down');
    await expect(receiver.receive(token)).resolves.toMatchObject({ sid: 'session-7' });
    expect(ended).toHaveLength(1);
  });

  it('holds at most replayCacheSize jtis: the oldest gives way', async () => {
    const { receiver, events } = receiving({ replayCacheSize: 2 });
    const [first, second, third] = [logoutToken(), logoutToken(), logoutToken()];
    for (const token of [first, second, third]) await receiver.receive(token);
    await expect(receiver.receive(third)).rejects.toMatchObject({ code: 'ERR_LOGOUT_TOKEN_REPLAYED' });
    await expect(receiver.receive(first)).resolves.toMatchObject({ sid: 'session-7' });
    expect(events).toHaveLength(4);
  });

  it('remembers a jti as long as its token is accepted, and the token is refused as expired after that', async () => {
    const clock = { ms: NOW * 1000 };
    const moving = createVerifier({ issuer: issuer.issuer, audience: CLIENT, jwksUri: issuer.jwksUri, now: () => clock.ms, clockToleranceSeconds: 5 });
    try {
      const { receiver } = receiving({ verifier: moving, now: () => clock.ms });
      const token = logoutToken(logoutClaims({ iat: NOW, exp: NOW + 120 }));
      await receiver.receive(token);
      clock.ms = (NOW + 124) * 1000; // within exp + tolerance: still a replay
      await expect(receiver.receive(token)).rejects.toMatchObject({ code: 'ERR_LOGOUT_TOKEN_REPLAYED' });
      clock.ms = (NOW + 125) * 1000;
      await expect(receiver.receive(token)).rejects.toMatchObject({ code: 'ERR_TOKEN_EXPIRED' });
    } finally {
      moving.close();
    }
  });

  it('applies its own maximum token age', async () => {
    const { receiver } = receiving({ maxTokenAgeSeconds: 30 });
    await expect(receiver.receive(logoutToken(logoutClaims({ iat: NOW - 60 })))).rejects.toMatchObject({ code: 'ERR_TOKEN_EXPIRED' });
    await expect(receiver.receive(logoutToken(logoutClaims({ iat: NOW - 20 })))).resolves.toMatchObject({ sid: 'session-7' });
  });

  it.each([
    ['no verifier', { verifier: undefined }],
    ['a verifier without verifyLogoutToken', { verifier: {} as Verifier }],
    ['no onLogout', { onLogout: undefined }],
    ['a maximum age over an hour', { maxTokenAgeSeconds: 3601 }],
    ['a zero replay cache', { replayCacheSize: 0 }],
  ])('refuses %s at creation', (_name, options) => {
    expect(() => createLogoutReceiver({ verifier, onLogout: () => undefined, ...options } as LogoutReceiverOptions)).toThrow(TypeError);
  });
});

describe('backChannelLogoutHandler: the answers of §2.8 over HTTP', () => {
  let url: string;
  let events: LogoutEvent[];
  const refusals: Array<{ status: number; reason: string }> = [];

  beforeAll(async () => {
    const setup = receiving();
    events = setup.events;
    url = await endpoint(setup.receiver, refusals);
  });

  it('answers a valid logout token with 200, an empty body and Cache-Control: no-store, after onLogout ran', async () => {
    const before = events.length;
    const res = await post(url, form({ logout_token: logoutToken() }));
    expect(res.status).toBe(200);
    expect(res.body).toBeUndefined();
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(events.slice(before)).toEqual([expect.objectContaining({ sub: 'user-42', sid: 'session-7' })]);
  });

  it('accepts a charset parameter and a media type in any case', async () => {
    const res = await post(url, form({ logout_token: logoutToken() }), { 'content-type': 'Application/X-WWW-Form-URLEncoded; charset=UTF-8' });
    expect(res.status).toBe(200);
  });

  it.each(tokenCases.filter((c) => c.code !== 'OK'))('refuses $name with 400 invalid_request, tells onRefusal $code, and ends nothing', async ({ token, code }) => {
    const before = events.length;
    refusals.length = 0;
    const res = await post(url, form({ logout_token: token() }));
    expect(res.status).toBe(400);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.body).toEqual({ error: 'invalid_request', error_description: 'The logout token is not valid' });
    expect(refusals).toEqual([{ status: 400, reason: code }]);
    expect(events.length).toBe(before);
  });

  it('refuses a replayed logout token with 400 invalid_request', async () => {
    const body = form({ logout_token: logoutToken() });
    expect((await post(url, body)).status).toBe(200);
    const before = events.length;
    const replay = await post(url, body);
    expect(replay.status).toBe(400);
    expect(replay.body).toEqual({ error: 'invalid_request', error_description: 'The logout token was already received' });
    expect(events.length).toBe(before);
  });

  const requestCases: Array<{ name: string; send: () => Promise<Reply> }> = [
    { name: 'a body over 16 KB', send: () => post(url, form({ logout_token: logoutToken(), pad: 'x'.repeat(17_000) })) },
    { name: 'a body over 16 KB sent in chunks, without Content-Length', send: () => chunked(url, form({ logout_token: logoutToken(), pad: 'x'.repeat(17_000) })) },
    { name: 'a JSON body', send: () => post(url, JSON.stringify({ logout_token: logoutToken() }), { 'content-type': 'application/json' }) },
    { name: 'a text/plain body', send: () => post(url, form({ logout_token: logoutToken() }), { 'content-type': 'text/plain' }) },
    { name: 'a multipart body', send: () => post(url, form({ logout_token: logoutToken() }), { 'content-type': 'multipart/form-data; boundary=x' }) },
    { name: 'no Content-Type', send: () => post(url, Buffer.from(form({ logout_token: logoutToken() })), {}) },
    { name: 'a gzip-compressed body', send: () => post(url, gzipSync(form({ logout_token: logoutToken() })), { 'content-type': 'application/x-www-form-urlencoded', 'content-encoding': 'gzip' }) },
    { name: 'logout_token twice', send: () => post(url, form({ logout_token: [logoutToken(), logoutToken()] })) },
    { name: 'no logout_token', send: () => post(url, form({ id_token: logoutToken() })) },
    { name: 'an empty logout_token', send: () => post(url, form({ logout_token: '' })) },
    { name: 'an empty body', send: () => post(url, '') },
    { name: 'the token in the query string', send: () => post(`${url}?${form({ logout_token: logoutToken() })}`, '') },
  ];

  it.each(requestCases)('refuses $name with 400 invalid_request and ends nothing', async ({ send }) => {
    const before = events.length;
    const res = await send();
    expect(res.status).toBe(400);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.body).toMatchObject({ error: 'invalid_request', error_description: expect.any(String) });
    expect(events.length).toBe(before);
  });

  it('refuses GET with 405 and Allow: POST', async () => {
    const res = await post(`${url}?${form({ logout_token: logoutToken() })}`, '', {}, 'GET');
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
    expect(res.body).toMatchObject({ error: 'invalid_request' });
  });

  it('answers 503 with Retry-After when the issuer\'s keys cannot be had: the issuer should retry, not give up', async () => {
    const down = await startFakeIssuer([key]);
    await down.stop();
    const blind = createVerifier({ issuer: down.issuer, audience: CLIENT, now: () => NOW * 1000, jwks: { timeoutMs: 1000 } });
    try {
      const { receiver, events: ended } = receiving({ verifier: blind });
      const res = await post(await endpoint(receiver), form({ logout_token: signToken(logoutHeader(), { ...logoutClaims(), iss: down.issuer }, key.privateKey) }));
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('30');
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.body).toMatchObject({ error: 'temporarily_unavailable' });
      expect(ended).toEqual([]);
    } finally {
      blind.close();
    }
  });

  it('passes an onLogout failure to next(err), so the app answers it as its own error', async () => {
    const receiver = createLogoutReceiver({ verifier, now: () => NOW * 1000, onLogout: () => { throw new Error('session store down'); } });
    const res = await fetch(await endpoint(receiver), {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form({ logout_token: logoutToken() }),
    });
    expect(res.status).toBe(500);
    expect(await res.text()).toBe('next(err)');
  });

  it('reads the form an earlier body parser left on req.body (Express urlencoded)', async () => {
    const { receiver, events: ended } = receiving();
    const app = express();
    app.use(express.urlencoded({ extended: false }));
    app.post('/backchannel-logout', backChannelLogoutHandler(receiver));
    const expressUrl = await listen(createServer(app));
    expect((await post(expressUrl, form({ logout_token: logoutToken() }))).status).toBe(200);
    expect((await post(expressUrl, form({ logout_token: [logoutToken(), logoutToken()] }))).status).toBe(400);
    expect(ended).toHaveLength(1);
  });
});

/** A POST with Transfer-Encoding: chunked (fetch would send Content-Length), so the limit must hold while reading. */
function chunked(url: string, body: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk)).on('end', () => {
        const text = Buffer.concat(chunks).toString();
        resolve({ status: res.statusCode ?? 0, headers: new Headers(res.headers as Record<string, string>), body: text ? JSON.parse(text) : undefined });
      });
    });
    // The server may close the connection before the whole body is sent: that is the point.
    req.on('error', reject);
    for (let i = 0; i < body.length; i += 1024) req.write(body.slice(i, i + 1024));
    req.end();
  });
}
