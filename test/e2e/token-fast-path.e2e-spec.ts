/**
 * POST /oauth2/token is answered on the public listener before Express (issue 5). A client must not
 * be able to tell: every request gets what the Nest route behind it gives (reached here through
 * `/oauth2/token/`, a spelling only the route takes), and every answer is still logged and counted.
 */
import type { Express } from 'express';
import { gzipSync } from 'node:zlib';
import { Provider, RegisteredClient, startProvider } from './harness';

interface Request { name: string; body: string | Buffer; headers?: Record<string, string>; auth?: 'right' | 'wrong' | 'none' }

const COMPARED_HEADERS = ['content-type', 'cache-control', 'pragma', 'www-authenticate', 'retry-after', 'x-content-type-options'];

describe('the token endpoint answered before Express', () => {
  let provider: Provider;
  let machine: RegisteredClient;
  let reachedExpress = 0;
  const lines: Record<string, unknown>[] = [];
  const metricsToken = 'm'.repeat(40);

  beforeAll(async () => {
    provider = await startProvider({ METRICS_TOKEN: metricsToken }, { logSink: (line) => lines.push(JSON.parse(line) as Record<string, unknown>) });
    machine = await provider.registerClient({ grant_types: ['client_credentials', 'authorization_code'], response_types: ['code'], redirect_uris: ['https://machine.example/cb'] });
    const express = provider.tokenServiceApp.getHttpAdapter().getInstance() as Express & { handle(...args: unknown[]): unknown };
    const handle = express.handle.bind(express);
    express.handle = (...args: unknown[]) => {
      reachedExpress++;
      return handle(...args);
    };
  });
  afterAll(() => provider?.close());

  const basic = (secret: string) => `Basic ${Buffer.from(`${encodeURIComponent(machine.clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`;

  const post = async (path: string, request: Request) => {
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', ...request.headers };
    if (request.auth !== 'none') headers.authorization = basic(request.auth === 'wrong' ? `${machine.clientSecret!}x` : machine.clientSecret!);
    const before = reachedExpress;
    const res = await fetch(`${provider.issuer}${path}`, { method: 'POST', headers, body: request.body });
    const body = await res.json() as Record<string, unknown>;
    return { status: res.status, headers: Object.fromEntries(COMPARED_HEADERS.map((h) => [h, res.headers.get(h)])), body, viaExpress: reachedExpress > before, requestId: res.headers.get('x-request-id') };
  };

  const requests: Request[] = [
    { name: 'control: client_credentials', body: 'grant_type=client_credentials' },
    { name: 'control: a gzip-compressed body', body: gzipSync('grant_type=client_credentials'), headers: { 'content-encoding': 'gzip' } },
    { name: 'control: charset=utf-8', body: 'grant_type=client_credentials', headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' } },
    { name: 'a wrong secret', body: 'grant_type=client_credentials', auth: 'wrong' },
    { name: 'no client authentication', body: 'grant_type=client_credentials', auth: 'none' },
    { name: 'no grant_type', body: 'scope=' },
    { name: 'grant_type twice', body: 'grant_type=client_credentials&grant_type=client_credentials' },
    { name: 'an unsupported grant_type', body: 'grant_type=password&username=a&password=b' },
    { name: 'a grant the client may not use', body: 'grant_type=refresh_token&refresh_token=x' },
    { name: 'an unknown authorization code', body: 'grant_type=authorization_code&code=nope&redirect_uri=https%3A%2F%2Fmachine.example%2Fcb&code_verifier=' + 'v'.repeat(43) },
    { name: 'a body over 16 KB', body: `grant_type=client_credentials&pad=${'a'.repeat(16 * 1024)}` },
    { name: 'over 100 parameters', body: Array.from({ length: 101 }, (_, i) => `p${i}=1`).join('&') },
    { name: 'a gzip body that does not decompress', body: 'not gzip', headers: { 'content-encoding': 'gzip' } },
    { name: 'an unsupported Content-Encoding', body: 'x', headers: { 'content-encoding': 'compress' } },
    { name: 'an unsupported charset', body: 'grant_type=client_credentials', headers: { 'content-type': 'application/x-www-form-urlencoded; charset=koi8-r' } },
    { name: 'malformed percent-encoding', body: 'grant_type=client%ZZcredentials' },
  ];

  it.each(requests)('$name: the same answer as the route behind it, without reaching Express', async (request) => {
    const fast = await post('/oauth2/token', request);
    const routed = await post('/oauth2/token/', request);
    expect(fast.viaExpress).toBe(false);
    expect(routed.viaExpress).toBe(true);
    expect(fast.status).toBe(routed.status);
    expect(fast.headers).toEqual(routed.headers);
    if (fast.status === 200) {
      expect(Object.keys(fast.body).sort()).toEqual(Object.keys(routed.body).sort());
      expect({ ...fast.body, access_token: undefined }).toEqual({ ...routed.body, access_token: undefined });
    } else {
      expect(fast.body).toEqual(routed.body);
    }
  });

  it('logs each answer with its request id and counts it by route, status and grant type', async () => {
    const metrics = async () => (await fetch(`${provider.internalUrl}/metrics`, { headers: { authorization: `Bearer ${metricsToken}` } })).text();
    const count = (text: string, pattern: RegExp) => Number(pattern.exec(text)?.[1] ?? 0);
    const requests = /tessera_http_requests_total\{method="POST",route="\/oauth2\/token",status="200"\} (\d+)/;
    const issued = /tessera_tokens_issued_total\{grant_type="client_credentials"\} (\d+)/;
    const refused = /tessera_http_requests_total\{method="POST",route="\/oauth2\/token",status="401"\} (\d+)/;
    const before = await metrics();

    const ok = await post('/oauth2/token', { name: 'ok', body: 'grant_type=client_credentials', headers: { 'x-request-id': 'fast-path-trace-1' } });
    const wrong = await post('/oauth2/token', { name: 'wrong', body: 'grant_type=client_credentials', auth: 'wrong' });
    expect([ok.status, wrong.status, ok.viaExpress, wrong.viaExpress]).toEqual([200, 401, false, false]);

    const after = await metrics();
    expect(count(after, requests)).toBe(count(before, requests) + 1);
    expect(count(after, issued)).toBe(count(before, issued) + 1);
    expect(count(after, refused)).toBe(count(before, refused) + 1);
    expect(ok.requestId).toBe('fast-path-trace-1');
    expect(lines).toContainEqual(expect.objectContaining({ msg: 'request', requestId: 'fast-path-trace-1', method: 'POST', route: '/oauth2/token', status: 200 }));
    expect(lines).toContainEqual(expect.objectContaining({ msg: 'request', requestId: wrong.requestId, route: '/oauth2/token', status: 401 }));
  });
});
