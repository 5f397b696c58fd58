/**
 * The JWKS and discovery documents are answered on the public listener before Express (issue 5).
 * What a relying party, a cache and an operator see must not change for it: the same bytes and
 * headers as the app's routes, revalidation with ETags, a new JWKS right after a rotation, and
 * every answer still logged and counted.
 */
import { SigningKeys } from '../../apps/token-service/src/keys/signing-keys.service';
import { Provider, startProvider } from './harness';

describe('well-known documents answered before the app', () => {
  let provider: Provider;
  const metricsToken = 'w'.repeat(40);
  beforeAll(async () => { provider = await startProvider({ METRICS_TOKEN: metricsToken }); });
  afterAll(() => provider?.close());

  const metrics = async () => (await fetch(`${provider.internalUrl}/metrics`, { headers: { authorization: `Bearer ${metricsToken}` } })).text();

  it('serves the same documents and headers as the routes behind it', async () => {
    for (const path of ['/.well-known/jwks.json', '/.well-known/openid-configuration']) {
      // A trailing slash is not the exact path: the app's route answers it.
      const [fast, routed] = await Promise.all([fetch(`${provider.issuer}${path}`), fetch(`${provider.issuer}${path}/`)]);
      expect(fast.status).toBe(200);
      expect(routed.status).toBe(200);
      expect(await fast.text()).toBe(await routed.text());
      for (const header of ['content-type', 'cache-control', 'etag', 'x-content-type-options']) expect(fast.headers.get(header)).toBe(routed.headers.get(header));
      expect(fast.headers.get('x-request-id')).toBeTruthy();
      expect(fast.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });

  it('revalidates discovery with its ETag (RFC 9110 §13.1.2)', async () => {
    const first = await fetch(`${provider.issuer}/.well-known/openid-configuration`);
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    const again = await fetch(`${provider.issuer}/.well-known/oauth-authorization-server`, { headers: { 'if-none-match': etag! } });
    expect(again.status).toBe(304);
  });

  it('publishes a rotated-in key at once: the old ETag no longer matches', async () => {
    const before = await fetch(`${provider.issuer}/.well-known/jwks.json`);
    const etag = before.headers.get('etag')!;
    const kid = await provider.tokenServiceApp.get(SigningKeys).rotate();
    const after = await fetch(`${provider.issuer}/.well-known/jwks.json`, { headers: { 'if-none-match': etag } });
    expect(after.status).toBe(200);
    expect(after.headers.get('etag')).not.toBe(etag);
    const { keys } = await after.json() as { keys: { kid: string }[] };
    expect(keys.map((k) => k.kid)).toContain(kid);
  });

  it('still counts every answer by route and status', async () => {
    const count = async (route: string, status: number) => {
      const match = new RegExp(`tessera_http_requests_total\\{method="GET",route="${route.replace(/[.]/g, '\\.')}",status="${status}"\\} (\\d+)`).exec(await metrics());
      return match ? Number(match[1]) : 0;
    };
    const jwksBefore = await count('/.well-known/jwks.json', 200);
    const discoveryBefore = await count('/.well-known/openid-configuration', 304);
    const jwks = await fetch(`${provider.issuer}/.well-known/jwks.json`);
    const etag = (await fetch(`${provider.issuer}/.well-known/openid-configuration`)).headers.get('etag')!;
    await fetch(`${provider.issuer}/.well-known/openid-configuration`, { headers: { 'if-none-match': etag } });
    expect(jwks.status).toBe(200);
    expect(await count('/.well-known/jwks.json', 200)).toBe(jwksBefore + 1);
    expect(await count('/.well-known/openid-configuration', 304)).toBe(discoveryBefore + 1);
  });

  it('is not on the internal listener: the documents are public only', async () => {
    expect((await fetch(`${provider.internalUrl}/.well-known/jwks.json`)).status).toBe(404);
  });
});
