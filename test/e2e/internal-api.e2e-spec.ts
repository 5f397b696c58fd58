import { Provider, startProvider } from './harness';
import { authRequest } from './sign-in';

// The login/consent provider API lives on the internal listener only and wants the service
// credential (DESIGN.md: "never reachable anonymously").
describe('internal login/consent API', () => {
  let provider: Provider;
  beforeAll(async () => {
    provider = await startProvider();
  });
  afterAll(() => provider?.close());

  const paths = [
    '/internal/v1/login-requests/some-challenge',
    '/internal/v1/consent-requests/some-challenge',
    '/internal/v1/logout-requests/some-challenge',
  ];

  it('is not mounted on the public listener, whatever the credential', async () => {
    for (const path of [...paths, '/INTERNAL/v1/login-requests/x', '/internal//v1/login-requests/x', '/%69nternal/v1/login-requests/x']) {
      for (const authorization of [undefined, `Bearer ${provider.internalApiSecret}`]) {
        const res = await fetch(`${provider.issuer}${path}`, { headers: authorization ? { authorization } : {} });
        expect({ path, status: res.status }).toEqual({ path, status: 404 });
      }
    }
    const accept = await fetch(`${provider.issuer}${paths[0]}/accept`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${provider.internalApiSecret}`, 'content-type': 'application/json' },
      body: JSON.stringify({ subject: 'x', remember: false, amr: ['pwd'], claims: {} }),
    });
    expect(accept.status).toBe(404);
  });

  it('keeps a real pending login challenge out of reach of the public listener', async () => {
    // A made-up challenge answers 404 anyway; a live one proves the 404 comes from the boundary.
    const client = await provider.registerClient({ redirect_uris: ['https://partner.example/callback'] });
    const started = await fetch((await authRequest(client)).url, { redirect: 'manual' });
    const challenge = new URL(started.headers.get('location') ?? '').searchParams.get('login_challenge');
    expect(challenge).toBeTruthy();
    const headers = { authorization: `Bearer ${provider.internalApiSecret}` };
    const live = await fetch(`${provider.internalUrl}/internal/v1/login-requests/${challenge}`, { headers });
    expect(live.status).toBe(200);
    for (const prefix of ['/internal', '/INTERNAL', '/Internal', '/%69nternal', '//internal']) {
      const res = await fetch(`${provider.issuer}${prefix}/v1/login-requests/${challenge}`, { headers });
      expect({ prefix, status: res.status }).toEqual({ prefix, status: 404 });
    }
  });

  it('refuses requests without the service credential on the internal listener', async () => {
    for (const path of paths) {
      for (const headers of [{}, { authorization: 'Bearer wrong-secret' }, { authorization: `Basic ${provider.internalApiSecret}` }] as Record<string, string>[]) {
        const res = await fetch(`${provider.internalUrl}${path}`, { headers });
        expect({ path, status: res.status }).toEqual({ path, status: 401 });
      }
      const accept = await fetch(`${provider.internalUrl}${path}/accept`, {
        method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{}',
      });
      expect(accept.status).toBe(401);
    }
  });

  it('answers an unknown challenge with 404 once authenticated', async () => {
    const res = await fetch(`${provider.internalUrl}${paths[0]}`, {
      headers: { authorization: `Bearer ${provider.internalApiSecret}` },
    });
    expect(res.status).toBe(404);
  });

  it('does not serve the public protocol endpoints on the internal listener', async () => {
    const res = await fetch(`${provider.internalUrl}/.well-known/openid-configuration`);
    expect(res.status).toBe(404);
  });
});
