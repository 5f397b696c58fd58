import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePorts } from '../../../../test/support/free-port';
import { sharedDatabaseUrl, stableSecretFor, testDatabaseUrl } from '../../../../test/support/test-database';
import { ClientAuthenticator } from '../clients/client-authenticator';
import { loadTokenServiceConfig } from '../config/token-service.config';
import { RunningTokenService, startTokenService } from '../main';

describe('discovery, JWKS and registration over HTTP', () => {
  const initialAccessToken = randomBytes(32).toString('base64url');
  let tmpDir: string;
  let service: RunningTokenService;
  let issuer: string;

  beforeAll(async () => {
    tmpDir = await mkdtemp(join(tmpdir(), 'tessera-registration-http-'));
    const databaseUrl = testDatabaseUrl(tmpDir);
    const shared = sharedDatabaseUrl();
    const [port, internalPort] = await freePorts(2);
    issuer = `http://127.0.0.1:${port}`;
    service = await startTokenService(loadTokenServiceConfig({
      ISSUER: issuer,
      TOKEN_SERVICE_HOST: '127.0.0.1',
      TOKEN_SERVICE_PORT: String(port),
      TOKEN_SERVICE_INTERNAL_PORT: String(internalPort),
      DATA_DIR: tmpDir,
      DATABASE_URL: databaseUrl,
      // Keys left in a shared database by earlier runs must stay readable.
      KEY_ENCRYPTION_SECRET: shared ? stableSecretFor(shared, 'KEY_ENCRYPTION_SECRET') : randomBytes(32).toString('base64url'),
      INTERNAL_API_SECRET: randomBytes(32).toString('base64url'),
      INITIAL_ACCESS_TOKEN: initialAccessToken,
      JWKS_MAX_AGE: '600',
    }), false);
  });

  afterAll(async () => {
    await service?.close();
    await rm(tmpDir, { recursive: true, force: true });
  });

  const register = (body: unknown, token: string | null = initialAccessToken) => fetch(`${issuer}/oauth2/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token !== null && { authorization: `Bearer ${token}` }) },
    body: JSON.stringify(body),
  });

  describe('GET /.well-known/openid-configuration', () => {
    it('describes this issuer, cacheable for five minutes', async () => {
      const res = await fetch(`${issuer}/.well-known/openid-configuration`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(res.headers.get('cache-control')).toBe('public, max-age=300');
      const metadata = await res.json() as Record<string, unknown>;
      expect(metadata).toMatchObject({
        issuer,
        jwks_uri: `${issuer}/.well-known/jwks.json`,
        registration_endpoint: `${issuer}/oauth2/register`,
        id_token_signing_alg_values_supported: ['RS256'],
        code_challenge_methods_supported: ['S256'],
      });
    });

    it('is served under the RFC 8414 name too', async () => {
      const res = await fetch(`${issuer}/.well-known/oauth-authorization-server`);
      expect(await res.json()).toMatchObject({ issuer });
    });
  });

  describe('GET /.well-known/jwks.json', () => {
    it('serves RSA public keys only, with Cache-Control and an ETag', async () => {
      const res = await fetch(`${issuer}/.well-known/jwks.json`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(res.headers.get('cache-control')).toBe('public, max-age=600');
      expect(res.headers.get('etag')).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
      const { keys } = await res.json() as { keys: Record<string, unknown>[] };
      expect(keys.length).toBeGreaterThanOrEqual(1);
      for (const key of keys) {
        expect(Object.keys(key).sort()).toEqual(['alg', 'e', 'kid', 'kty', 'n', 'use']);
        expect(key).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
      }
    });

    it.each([
      ['the same ETag', (etag: string) => etag],
      ['the weak form of it', (etag: string) => `W/${etag}`],
      ['a list that contains it', (etag: string) => `"other", ${etag}`],
    ])('answers 304 with no body to If-None-Match with %s', async (_case, ifNoneMatch) => {
      const etag = (await fetch(`${issuer}/.well-known/jwks.json`)).headers.get('etag')!;
      const res = await fetch(`${issuer}/.well-known/jwks.json`, { headers: { 'if-none-match': ifNoneMatch(etag) } });
      expect(res.status).toBe(304);
      expect(res.headers.get('etag')).toBe(etag);
      expect(await res.text()).toBe('');
    });

    it('answers 200 to an If-None-Match with another ETag', async () => {
      const res = await fetch(`${issuer}/.well-known/jwks.json`, { headers: { 'if-none-match': '"stale"' } });
      expect(res.status).toBe(200);
    });
  });

  describe('POST /oauth2/register (RFC 7591)', () => {
    it.each<[string, string | null]>([
      ['no token', null],
      ['a wrong token', 'not-the-initial-access-token'],
    ])('refuses a request with %s: 401 invalid_token', async (_case, token) => {
      const res = await register({ redirect_uris: ['https://app.example/cb'] }, token);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer (.+, )?error="invalid_token"/);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(await res.json()).toMatchObject({ error: 'invalid_token' });
    });

    it.each<[string, string, unknown]>([
      ['an insecure redirect URI', 'invalid_redirect_uri', { redirect_uris: ['http://app.example/cb'] }],
      ['no redirect URI', 'invalid_redirect_uri', { client_name: 'x' }],
      ['an unsupported grant type', 'invalid_client_metadata', { redirect_uris: ['https://app.example/cb'], grant_types: ['password'] }],
      ['a body that is not an object', 'invalid_client_metadata', ['https://app.example/cb']],
    ])('refuses %s: 400 %s', async (_case, error, body) => {
      const res = await register(body);
      expect(res.status).toBe(400);
      expect(res.headers.get('cache-control')).toBe('no-store');
      const json = await res.json() as Record<string, unknown>;
      expect(json).toEqual({ error, error_description: expect.any(String) });
    });

    it('registers a confidential client whose secret then authenticates it', async () => {
      const before = Math.floor(Date.now() / 1000);
      const res = await register({
        redirect_uris: ['https://app.example/cb'],
        post_logout_redirect_uris: ['https://app.example/bye'],
        grant_types: ['authorization_code', 'refresh_token'],
        client_name: 'Partner',
        client_uri: 'https://app.example',
        first_party: true,
      });
      expect(res.status).toBe(201);
      expect(res.headers.get('cache-control')).toBe('no-store');
      const body = await res.json() as Record<string, unknown>;
      expect(body).toEqual({
        client_id: expect.any(String),
        client_secret: expect.any(String),
        client_id_issued_at: expect.any(Number),
        client_secret_expires_at: 0,
        client_name: 'Partner',
        client_uri: 'https://app.example',
        redirect_uris: ['https://app.example/cb'],
        post_logout_redirect_uris: ['https://app.example/bye'],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
        // OIDC Back-Channel Logout §2.2: the default, as registered.
        backchannel_logout_session_required: false,
      });
      expect(body.client_id_issued_at).toBeGreaterThanOrEqual(before);

      const authenticator = service.app.get(ClientAuthenticator);
      const basic = `Basic ${Buffer.from(`${body.client_id as string}:${body.client_secret as string}`).toString('base64')}`;
      const client = await authenticator.authenticate(basic, {});
      expect(client).toMatchObject({ clientId: body.client_id, firstParty: false });
    });

    it('registers a public client without a secret', async () => {
      const res = await register({ redirect_uris: ['http://127.0.0.1:8080/cb'], token_endpoint_auth_method: 'none' });
      expect(res.status).toBe(201);
      const body = await res.json() as Record<string, unknown>;
      expect(body).not.toHaveProperty('client_secret');
      expect(body).not.toHaveProperty('client_secret_expires_at');
      expect(body).toMatchObject({ token_endpoint_auth_method: 'none', client_name: '127.0.0.1:8080' });
    });
  });
});
