import { RateLimiter } from '@tessera/abuse';
import { InvalidClient } from '@tessera/contracts';
import type { AnsweredRequest } from '@tessera/operations';
import express from 'express';
import { request as httpRequest, Server } from 'node:http';
import { gzipSync } from 'node:zlib';
import { serveWithFastPath } from '../../../../test/support/fast-path-server';
import type { TokenResponse } from '../token/token-issuer';
import { tokenFastPath } from './token-fast-path';

interface Answer { status: number; headers: Record<string, string | string[] | undefined>; body: string }
interface Call { method?: string; path?: string; headers?: Record<string, string>; body?: string | Buffer }

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const TOKENS: TokenResponse = { access_token: 'at', token_type: 'Bearer', expires_in: 900, scope: '' };

describe('tokenFastPath', () => {
  let server: Server;
  let base: string;
  let answered: AnsweredRequest[];
  let passedOn: string[];
  let received: { authorization?: string; params: Record<string, unknown> }[];
  let logged: string[];

  async function start(options: { hsts?: boolean; limiter?: RateLimiter; trustProxy?: string[] } = {}): Promise<void> {
    const app = express();
    app.set('trust proxy', options.trustProxy ?? false);
    const fastPath = tokenFastPath({
      endpoint: {
        async respond(authorization, params) {
          received.push({ authorization, params });
          if (params.grant_type === 'wrong_secret') throw new InvalidClient();
          if (params.grant_type === 'crash') throw new Error('detail that must not reach the client');
          return TOKENS;
        },
      },
      app,
      parseForm: express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 100 }),
      limiter: options.limiter,
      hsts: options.hsts ?? false,
      answered: (a) => answered.push(a),
      logger: { warn: (m: unknown) => logged.push(String(m)), error: (m: unknown) => logged.push(String(m)) },
    });
    ({ server, base } = await serveWithFastPath(fastPath, passedOn));
  }

  async function stop(): Promise<void> {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }

  // Raw node:http: fetch would not send a body with a wrong Content-Length or a made-up encoding.
  function call({ method = 'POST', path = '/oauth2/token', headers = FORM, body = 'grant_type=client_credentials' }: Call = {}): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const req = httpRequest(`${base}${path}`, { method, headers, agent: false }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => { text += chunk; });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  beforeEach(async () => {
    answered = [];
    passedOn = [];
    received = [];
    logged = [];
    await start();
  });
  afterEach(stop);

  it('answers a form POST with the endpoint\'s tokens, no-store (RFC 6749 §5.1), a request id, an access line', async () => {
    const res = await call({ headers: { ...FORM, authorization: 'Basic abc', 'x-request-id': 'trace-1' }, body: 'grant_type=client_credentials&scope=' });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual(TOKENS);
    expect(res.headers).toMatchObject({
      'content-type': 'application/json; charset=utf-8',
      'content-length': String(Buffer.byteLength(res.body)),
      'cache-control': 'no-store',
      pragma: 'no-cache',
      'x-content-type-options': 'nosniff',
      'x-request-id': 'trace-1',
    });
    expect(res.headers['strict-transport-security']).toBeUndefined();
    expect(received).toEqual([{ authorization: 'Basic abc', params: { grant_type: 'client_credentials', scope: '' } }]);
    expect(answered).toEqual([expect.objectContaining({ requestId: 'trace-1', method: 'POST', route: '/oauth2/token', status: 200 })]);
    expect(passedOn).toEqual([]);
  });

  it('takes a charset parameter, a query string and a compressed body, as the app\'s parser does', async () => {
    for (const request of [
      { headers: { 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8' } },
      { path: '/oauth2/token?ignored=1', headers: FORM },
      { headers: { ...FORM, 'content-encoding': 'gzip' }, body: gzipSync('grant_type=client_credentials') },
    ]) {
      expect((await call(request)).status).toBe(200);
    }
    expect(received.map((r) => r.params.grant_type)).toEqual(['client_credentials', 'client_credentials', 'client_credentials']);
  });

  it.each<{ name: string; call: Call }>([
    { name: 'GET', call: { method: 'GET', headers: {}, body: '' } },
    { name: 'PUT', call: { method: 'PUT' } },
    { name: 'a trailing slash', call: { path: '/oauth2/token/' } },
    { name: 'another case', call: { path: '/oauth2/Token' } },
    { name: 'an encoded character', call: { path: '/oauth2/toke%6E' } },
    { name: 'another path', call: { path: '/oauth2/revoke' } },
    { name: 'JSON', call: { headers: { 'content-type': 'application/json' }, body: '{"grant_type":"client_credentials"}' } },
    { name: 'no content type', call: { headers: {} } },
  ])('passes $name on to the app, which answers it as before', async ({ call: request }) => {
    expect((await call(request)).status).toBe(418);
    expect(passedOn).toHaveLength(1);
    expect(received).toEqual([]);
    expect(answered).toEqual([]);
  });

  it.each([
    { name: 'a body over 16 KB', headers: FORM, body: `grant_type=client_credentials&pad=${'a'.repeat(16 * 1024)}`, status: 413, description: 'the request body is too large' },
    { name: 'over 100 parameters', headers: FORM, body: Array.from({ length: 101 }, (_, i) => `p${i}=1`).join('&'), status: 413, description: 'the request body is too large' },
    { name: 'a gzip body that does not decompress', headers: { ...FORM, 'content-encoding': 'gzip' }, body: 'not gzip', status: 400, description: 'the request body could not be decompressed' },
    { name: 'an unsupported Content-Encoding', headers: { ...FORM, 'content-encoding': 'compress' }, body: 'x', status: 400, description: 'the Content-Encoding of the request body is not supported' },
    { name: 'an unsupported charset', headers: { 'content-type': 'application/x-www-form-urlencoded; charset=koi8-r' }, body: 'a=b', status: 400, description: 'the request body could not be parsed' },
  ])('refuses $name as invalid_request with $status, before the endpoint runs', async ({ headers, body, status, description }) => {
    const res = await call({ headers, body });
    expect(res.status).toBe(status);
    expect(JSON.parse(res.body)).toEqual({ error: 'invalid_request', error_description: description });
    expect(res.headers['cache-control']).toBe('no-store');
    expect(received).toEqual([]);
    expect(answered.map((a) => a.status)).toEqual([status]);
  });

  it('renders an OAuthError of the endpoint per RFC 6749 §5.2, with WWW-Authenticate on invalid_client', async () => {
    const res = await call({ body: 'grant_type=wrong_secret' });
    expect(res.status).toBe(401);
    expect(JSON.parse(res.body)).toEqual({ error: 'invalid_client', error_description: 'client authentication failed' });
    expect(res.headers).toMatchObject({ 'www-authenticate': 'Basic realm="tessera", charset="UTF-8"', 'cache-control': 'no-store', pragma: 'no-cache' });
  });

  it('turns anything else into server_error, its detail to the log only', async () => {
    const res = await call({ body: 'grant_type=crash' });
    expect(res.status).toBe(500);
    expect(JSON.parse(res.body)).toEqual({ error: 'server_error', error_description: 'the server could not complete the request' });
    expect(logged.join('\n')).toContain('detail that must not reach the client');
    expect(answered.map((a) => a.status)).toEqual([500]);
  });

  it('counts requests against the app\'s limiter by client address, behind trusted proxies too, and refuses with 429 and Retry-After', async () => {
    await stop();
    await start({ limiter: new RateLimiter({ limit: 2, windowSeconds: 60 }), trustProxy: ['loopback'] });
    const from = (address: string) => call({ headers: { ...FORM, 'x-forwarded-for': address } });
    expect((await from('198.51.100.1')).status).toBe(200);
    expect((await from('198.51.100.1')).status).toBe(200);
    const refused = await from('198.51.100.1');
    expect(refused.status).toBe(429);
    expect(refused.headers).toMatchObject({ 'retry-after': expect.stringMatching(/^\d+$/), 'cache-control': 'no-store' });
    expect(JSON.parse(refused.body)).toMatchObject({ error: 'temporarily_unavailable' });
    expect((await from('198.51.100.2')).status).toBe(200);
    expect(received).toHaveLength(3);
  });

  it('sends HSTS when the issuer is https, as the app does on every response', async () => {
    await stop();
    await start({ hsts: true });
    expect((await call()).headers['strict-transport-security']).toMatch(/^max-age=\d+/);
    expect((await call({ body: 'grant_type=wrong_secret' })).headers['strict-transport-security']).toMatch(/^max-age=\d+/);
  });
});
