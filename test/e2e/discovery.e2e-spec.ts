import * as oidc from 'openid-client';
import { Provider, startProvider } from './harness';

const REDIRECT_URI = 'https://partner.example/callback';

describe('discovery, JWKS and client registration', () => {
  let provider: Provider;
  beforeAll(async () => {
    provider = await startProvider();
  });
  afterAll(() => provider?.close());

  it('publishes OIDC Discovery metadata for what is implemented', async () => {
    const res = await fetch(`${provider.issuer}/.well-known/openid-configuration`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const meta = await res.json() as Record<string, unknown>;
    const { issuer } = provider;
    // OIDC Discovery §4.3: the issuer in the document is exactly the one it was fetched for.
    expect(meta.issuer).toBe(issuer);
    expect(meta).toMatchObject({
      authorization_endpoint: `${issuer}/oauth2/authorize`,
      token_endpoint: `${issuer}/oauth2/token`,
      jwks_uri: `${issuer}/.well-known/jwks.json`,
      userinfo_endpoint: `${issuer}/oauth2/userinfo`,
      revocation_endpoint: `${issuer}/oauth2/revoke`,
      introspection_endpoint: `${issuer}/oauth2/introspect`,
      end_session_endpoint: `${issuer}/oauth2/logout`,
      registration_endpoint: `${issuer}/oauth2/register`,
      // RFC 9207 §3
      authorization_response_iss_parameter_supported: true,
    });
    expect(meta.response_types_supported).toEqual(['code']);
    expect(meta.code_challenge_methods_supported).toEqual(['S256']);
    expect(meta.id_token_signing_alg_values_supported).toContain('RS256');
    expect(meta.subject_types_supported).toEqual(expect.arrayContaining(['public']));
    expect(meta.scopes_supported).toEqual(expect.arrayContaining(['openid', 'profile', 'email', 'offline_access']));
    expect(meta.grant_types_supported).toEqual(expect.arrayContaining(['authorization_code', 'refresh_token', 'client_credentials']));
    expect(meta.token_endpoint_auth_methods_supported)
      .toEqual(expect.arrayContaining(['client_secret_basic', 'client_secret_post', 'none']));
  });

  it('is accepted by openid-client as a partner would discover it', async () => {
    const config = await oidc.discovery(new URL(provider.issuer), 'any-client', undefined, undefined, {
      execute: [oidc.allowInsecureRequests],
    });
    expect(config.serverMetadata().issuer).toBe(provider.issuer);
  });

  it('serves the JWKS: RSA public keys with kid, no private members, cacheable with an ETag', async () => {
    const res = await fetch(`${provider.issuer}/.well-known/jwks.json`);
    expect(res.status).toBe(200);
    const cacheControl = res.headers.get('cache-control') ?? '';
    expect(cacheControl).toMatch(/\bpublic\b/);
    expect(cacheControl).toMatch(/\bmax-age=\d+/);
    const etag = res.headers.get('etag');
    expect(etag).toBeTruthy();
    const { keys } = await res.json() as { keys: Record<string, unknown>[] };
    expect(keys.length).toBeGreaterThanOrEqual(1);
    for (const key of keys) {
      expect(key).toMatchObject({ kty: 'RSA', kid: expect.any(String), n: expect.any(String), e: expect.any(String) });
      // RSA-2048 or larger: the modulus is at least 256 octets.
      expect(Buffer.from(key.n as string, 'base64url').length).toBeGreaterThanOrEqual(256);
      for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k']) expect(key).not.toHaveProperty(member);
    }
    expect(new Set(keys.map((k) => k.kid)).size).toBe(keys.length);

    // RFC 9110 §13.1.2: a conditional GET with the current ETag is answered 304 without a body.
    const again = await fetch(`${provider.issuer}/.well-known/jwks.json`, { headers: { 'if-none-match': etag! } });
    expect(again.status).toBe(304);
  });

  it('refuses registration without the initial access token (RFC 7591 §3)', async () => {
    const res = await fetch(`${provider.issuer}/oauth2/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_name: 'No token', redirect_uris: [REDIRECT_URI] }),
    });
    expect(res.status).toBe(401);
    // RFC 6750 §3: a protected resource names the Bearer scheme it wants.
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer\b/i);
  });

  it('refuses registration with a wrong initial access token', async () => {
    const res = await fetch(`${provider.issuer}/oauth2/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${provider.initialAccessToken}x` },
      body: JSON.stringify({ client_name: 'Wrong token', redirect_uris: [REDIRECT_URI] }),
    });
    expect(res.status).toBe(401);
  });

  it('registers a confidential client and returns its secret once (RFC 7591 §3.2.1)', async () => {
    const res = await fetch(`${provider.issuer}/oauth2/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${provider.initialAccessToken}` },
      body: JSON.stringify({
        client_name: 'Registered partner', redirect_uris: [REDIRECT_URI],
        grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      }),
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('cache-control')).toMatch(/no-store/);
    const body = await res.json() as Record<string, unknown>;
    expect(body).toMatchObject({
      client_id: expect.any(String),
      client_secret: expect.any(String),
      client_name: 'Registered partner',
      redirect_uris: [REDIRECT_URI],
      token_endpoint_auth_method: 'client_secret_basic',
    });
    // client_secret_expires_at is REQUIRED with a secret; 0 means it does not expire.
    expect(typeof body.client_secret_expires_at).toBe('number');
  });

  it('refuses a registration whose redirect URI carries a fragment (RFC 6749 §3.1.2)', async () => {
    const res = await fetch(`${provider.issuer}/oauth2/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${provider.initialAccessToken}` },
      body: JSON.stringify({ client_name: 'Fragment', redirect_uris: [`${REDIRECT_URI}#frag`] }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'invalid_redirect_uri' });
  });
});
