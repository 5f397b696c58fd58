import type { AnsweredRequest } from '@tessera/operations';
import { request as httpRequest, Server } from 'node:http';
import { serveWithFastPath } from '../../../../test/support/fast-path-server';
import { etagOf } from './conditional-get';
import { StaticDocument, wellKnownFastPath } from './well-known-fast-path';

function doc(body: string, cacheControl = 'public, max-age=300'): StaticDocument {
  return { body, etag: etagOf(body), cacheControl };
}

interface Answer { status: number; headers: Record<string, string | string[] | undefined>; body: string }

describe('wellKnownFastPath', () => {
  let server: Server;
  let base: string;
  let jwks: StaticDocument;
  const answered: AnsweredRequest[] = [];
  const passedOn: string[] = [];

  async function start(hsts: boolean): Promise<void> {
    const fastPath = wellKnownFastPath({
      documents: { '/.well-known/jwks.json': () => jwks, '/.well-known/openid-configuration': () => doc('{"issuer":"x"}') },
      hsts,
      answered: (a) => answered.push(a),
    });
    ({ server, base } = await serveWithFastPath(fastPath, passedOn));
  }

  // fetch cannot send HEAD and read what a raw response carries, so plain node:http.
  function call(path: string, options: { method?: string; headers?: Record<string, string> } = {}): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const req = httpRequest(`${base}${path}`, { method: options.method ?? 'GET', headers: options.headers, agent: false }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => { body += chunk; });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      });
      req.on('error', reject);
      req.end();
    });
  }

  beforeEach(async () => {
    jwks = doc('{"keys":[{"kid":"one"}]}');
    answered.length = 0;
    passedOn.length = 0;
    await start(false);
  });
  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('answers the exact path with the document, its ETag, cache lifetime and a request id', async () => {
    const res = await call('/.well-known/jwks.json', { headers: { 'x-request-id': 'trace-123' } });
    expect(res).toMatchObject({ status: 200, body: jwks.body });
    expect(res.headers).toMatchObject({
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(jwks.body)),
      'cache-control': 'public, max-age=300',
      etag: jwks.etag,
      'x-request-id': 'trace-123',
    });
    expect(res.headers['strict-transport-security']).toBeUndefined();
    expect(passedOn).toEqual([]);
    expect(answered).toEqual([expect.objectContaining({ requestId: 'trace-123', method: 'GET', route: '/.well-known/jwks.json', status: 200 })]);
  });

  it('gives a fresh request id when the caller sends none or an unusable one', async () => {
    const res = await call('/.well-known/openid-configuration', { headers: { 'x-request-id': 'not an id!' } });
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('ignores the query string, as the route does', async () => {
    expect((await call('/.well-known/jwks.json?cache-buster=1')).body).toBe(jwks.body);
  });

  it('answers a revalidation with the current tag 304 without a body (RFC 9110 §13.1.2)', async () => {
    for (const tag of [jwks.etag, `W/${jwks.etag}`, `"other", ${jwks.etag}`, '*']) {
      const res = await call('/.well-known/jwks.json', { headers: { 'if-none-match': tag } });
      expect(res.status).toBe(304);
      expect(res.body).toBe('');
      expect(res.headers.etag).toBe(jwks.etag);
    }
    expect((await call('/.well-known/jwks.json', { headers: { 'if-none-match': '"stale"' } })).status).toBe(200);
    expect(answered.map((a) => a.status)).toEqual([304, 304, 304, 304, 200]);
  });

  it('answers HEAD with the headers of GET and no body', async () => {
    const res = await call('/.well-known/jwks.json', { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(res.body).toBe('');
    expect(res.headers.etag).toBe(jwks.etag);
  });

  it('serves the new document, with its new ETag, as soon as its source changes (a key rotation)', async () => {
    const before = await call('/.well-known/jwks.json');
    jwks = doc('{"keys":[{"kid":"one"},{"kid":"two"}]}', 'public, max-age=60');
    const after = await call('/.well-known/jwks.json', { headers: { 'if-none-match': before.headers.etag as string } });
    expect(after.status).toBe(200);
    expect(after.body).toBe(jwks.body);
    expect(after.headers).toMatchObject({ etag: jwks.etag, 'cache-control': 'public, max-age=60' });
  });

  it('passes every other request on to the app: other methods, other paths, near misses', async () => {
    for (const [method, path] of [['POST', '/.well-known/jwks.json'], ['GET', '/.well-known/jwks.json/'], ['GET', '/.well-known/JWKS.json'],
      ['GET', '/.well-known/jwks%2Ejson'], ['GET', '/oauth2/token'], ['OPTIONS', '/.well-known/openid-configuration']]) {
      expect((await call(path, { method })).status).toBe(418);
    }
    expect(passedOn).toHaveLength(6);
    expect(answered).toEqual([]);
  });

  it('sends HSTS when the issuer is https, as the app does on every response', async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await start(true);
    const res = await call('/.well-known/jwks.json');
    expect(res.headers['strict-transport-security']).toMatch(/^max-age=\d+/);
  });
});
