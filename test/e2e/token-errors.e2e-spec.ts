import * as jose from 'jose';
import * as oidc from 'openid-client';
import { Browser } from './browser';
import { Provider, RegisteredClient, startProvider, TestUser } from './harness';
import { authRequest, postForm, signIn } from './sign-in';

const REDIRECT_URI = 'https://partner.example/callback';
const OTHER_REDIRECT_URI = 'https://partner.example/other-callback';

describe('token endpoint errors and client credentials (RFC 6749 §5.2)', () => {
  let provider: Provider;
  let client: RegisteredClient;
  let otherClient: RegisteredClient;
  let user: TestUser;
  let tokenEndpoint: string;
  const basic = (c: RegisteredClient = client) => ({ clientId: c.clientId, clientSecret: c.clientSecret! });

  beforeAll(async () => {
    provider = await startProvider();
    tokenEndpoint = `${provider.issuer}/oauth2/token`;
    client = await provider.registerClient({
      redirect_uris: [REDIRECT_URI, OTHER_REDIRECT_URI], grant_types: ['authorization_code', 'refresh_token'],
    });
    otherClient = await provider.registerClient({ redirect_uris: [REDIRECT_URI] });
    user = await provider.createUser();
  });
  afterAll(() => provider?.close());

  /** A fresh code for `client` at REDIRECT_URI and the verifier that goes with it. */
  async function freshCode(): Promise<{ code: string; verifier: string }> {
    const request = await authRequest(client);
    const { callback } = await signIn(new Browser(provider.origins), request.url, user);
    const code = callback?.searchParams.get('code');
    if (!code) throw new Error(`no code: ${callback ?? 'the sign-in never reached the partner'}`);
    return { code, verifier: request.verifier };
  }

  function expectError(res: { status: number; headers: Headers; body: Record<string, unknown> }, status: number, error: string): void {
    expect({ status: res.status, error: res.body.error }).toEqual({ status, error });
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('cache-control')).toMatch(/no-store/);
    // An error that echoes request data must never be sniffed into a script or a page.
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  }

  it('answers a body that is not a form, or is too large, with JSON invalid_request (never an HTML page)', async () => {
    const auth = `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}`;
    const asJson = await fetch(tokenEndpoint, {
      method: 'POST', headers: { authorization: auth, 'content-type': 'application/json' }, body: '{"grant_type":',
    });
    expectError({ status: asJson.status, headers: asJson.headers, body: (await asJson.json()) as Record<string, unknown> }, 400, 'invalid_request');
    const huge = await fetch(tokenEndpoint, {
      method: 'POST', headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
      body: `grant_type=client_credentials&pad=${'x'.repeat(64 * 1024)}`,
    });
    expectError({ status: huge.status, headers: huge.headers, body: (await huge.json()) as Record<string, unknown> }, 413, 'invalid_request');
  });

  it('refuses a code issued to another client with invalid_grant', async () => {
    const { code, verifier } = await freshCode();
    const res = await postForm(tokenEndpoint, {
      grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: verifier,
    }, basic(otherClient));
    expectError(res, 400, 'invalid_grant');
  });

  it('refuses a code with the wrong PKCE verifier with invalid_grant (RFC 7636 §4.6)', async () => {
    const { code } = await freshCode();
    const res = await postForm(tokenEndpoint, {
      grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: oidc.randomPKCECodeVerifier(),
    }, basic());
    expectError(res, 400, 'invalid_grant');
  });

  it('refuses a code without its PKCE verifier', async () => {
    const { code } = await freshCode();
    const res = await postForm(tokenEndpoint, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI }, basic());
    // A missing parameter is invalid_request (RFC 6749 §5.2); a verifier that does not match is invalid_grant.
    expect(res.status).toBe(400);
    expect(['invalid_request', 'invalid_grant']).toContain(res.body.error);
  });

  it('refuses a code redeemed at another redirect_uri than it was issued for (RFC 6749 §4.1.3)', async () => {
    const { code, verifier } = await freshCode();
    const res = await postForm(tokenEndpoint, {
      grant_type: 'authorization_code', code, redirect_uri: OTHER_REDIRECT_URI, code_verifier: verifier,
    }, basic());
    expectError(res, 400, 'invalid_grant');
  });

  it('refuses an unknown code with invalid_grant', async () => {
    const res = await postForm(tokenEndpoint, {
      grant_type: 'authorization_code', code: oidc.randomState(), redirect_uri: REDIRECT_URI,
      code_verifier: oidc.randomPKCECodeVerifier(),
    }, basic());
    expectError(res, 400, 'invalid_grant');
  });

  it('answers a wrong client secret with 401 invalid_client and WWW-Authenticate: Basic', async () => {
    const res = await postForm(tokenEndpoint, { grant_type: 'client_credentials' },
      { clientId: client.clientId, clientSecret: `${client.clientSecret}x` });
    expectError(res, 401, 'invalid_client');
    // RFC 6749 §5.2: the header matches the scheme the client used.
    expect(res.headers.get('www-authenticate')).toMatch(/^Basic\b/i);
  });

  it('answers an unknown client with 401 invalid_client', async () => {
    const res = await postForm(tokenEndpoint, { grant_type: 'client_credentials' },
      { clientId: `unknown-${oidc.randomState()}`, clientSecret: 'whatever-secret' });
    expectError(res, 401, 'invalid_client');
  });

  it('answers an unknown grant_type with unsupported_grant_type', async () => {
    const res = await postForm(tokenEndpoint, { grant_type: 'urn:example:teleport' }, basic());
    expectError(res, 400, 'unsupported_grant_type');
  });

  it('answers a request without grant_type with invalid_request', async () => {
    const res = await postForm(tokenEndpoint, { code: 'x' }, basic());
    expectError(res, 400, 'invalid_request');
  });

  it('answers an unknown refresh token with invalid_grant', async () => {
    const res = await postForm(tokenEndpoint, { grant_type: 'refresh_token', refresh_token: oidc.randomState() }, basic());
    expectError(res, 400, 'invalid_grant');
  });

  it('issues client_credentials an RFC 9068 access token and nothing else (RFC 6749 §4.4.3)', async () => {
    const machine = await provider.registerClient({ redirect_uris: [REDIRECT_URI], grant_types: ['client_credentials'] });
    const tokens = await oidc.clientCredentialsGrant(machine.config);
    expect(tokens.refresh_token).toBeUndefined();
    expect(tokens.id_token).toBeUndefined();
    expect(tokens.token_type.toLowerCase()).toBe('bearer');
    expect(tokens.expires_in).toBeGreaterThan(0);
    const jwks = jose.createRemoteJWKSet(new URL(`${provider.issuer}/.well-known/jwks.json`));
    const { payload, protectedHeader } = await jose.jwtVerify(tokens.access_token, jwks, {
      issuer: provider.issuer, algorithms: ['RS256'], typ: 'at+jwt',
    });
    expect(protectedHeader.kid).toEqual(expect.any(String));
    // RFC 9068 §2.2: without a resource owner the subject is the client itself.
    expect(payload.sub).toBe(machine.clientId);
    expect(payload.client_id).toBe(machine.clientId);
    expect(payload.jti).toEqual(expect.any(String));
    expect(payload.exp).toBeGreaterThan(payload.iat!);
  });

  it('refuses client_credentials to a client not registered for it with unauthorized_client', async () => {
    const webOnly = await provider.registerClient({ redirect_uris: [REDIRECT_URI], grant_types: ['authorization_code'] });
    const res = await postForm(tokenEndpoint, { grant_type: 'client_credentials' }, basic(webOnly));
    expectError(res, 400, 'unauthorized_client');
  });

  it('refuses client_credentials to a public client', async () => {
    const publicClient = await provider.registerClient({ redirect_uris: [REDIRECT_URI], token_endpoint_auth_method: 'none' });
    const res = await postForm(tokenEndpoint, { grant_type: 'client_credentials', client_id: publicClient.clientId });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(['unauthorized_client', 'invalid_client']).toContain(res.body.error);
  });
});
