import { ADMIN_SCOPE } from '@tessera/contracts';
import { decodeJwt } from 'jose';
import { SigningKeys } from '../../apps/token-service/src/keys/signing-keys.service';
import { adminApi, adminCall, cliAdminClient, consoleLikeClient, createPerson, personTokens, serviceToken, ServiceClient } from './admin-api';
import { Provider, RegisteredClient, startProvider } from './harness';
import { postForm } from './sign-in';

/**
 * Who may use the admin API (issue 7): an access token issued here, live, granted tessera:admin, meant
 * for the admin API and carrying the admin role — whether a service client's or a person's — and only
 * on the internal listener. Every route refuses everyone else the same way.
 */
describe('admin API authorization', () => {
  let provider: Provider;
  let service: ServiceClient;
  let serviceAdminToken: string;
  let consoleClient: RegisteredClient;
  let adminPerson: Awaited<ReturnType<typeof createPerson>>;
  const tokens: Record<string, string> = {};

  // Every route, with ids that need not exist: authorization is decided before anything is looked up.
  const ROUTES: [string, string, unknown?][] = [
    ['GET', '/clients'],
    ['POST', '/clients', { client_name: 'x', redirect_uris: ['https://x.example/cb'] }],
    ['GET', '/clients/some-client'],
    ['PATCH', '/clients/some-client', { client_name: 'y' }],
    ['POST', '/clients/some-client/secret'],
    ['DELETE', '/clients/some-client'],
    ['GET', '/initial-access-tokens'],
    ['POST', '/initial-access-tokens', { max_uses: 1 }],
    ['DELETE', '/initial-access-tokens/some-token'],
    ['GET', '/keys'],
    ['POST', '/keys/rotate', { now: true }],
    ['POST', '/keys/some-kid/revoke'],
    ['GET', '/sessions?subject=someone'],
    ['DELETE', '/sessions/some-session'],
    ['POST', '/sessions/revoke', { subject: 'someone' }],
    ['GET', '/audit-events'],
  ];

  beforeAll(async () => {
    provider = await startProvider();
    service = await cliAdminClient(provider);
    serviceAdminToken = await serviceToken(provider, service);
    consoleClient = await consoleLikeClient(provider, serviceAdminToken);
    adminPerson = await createPerson(provider, ['admin']);
    const plainPerson = await createPerson(provider, []);

    // A valid token of a client that was not granted tessera:admin.
    const partner = await provider.registerClient({ grant_types: ['client_credentials'], redirect_uris: [] });
    tokens['no tessera:admin scope'] = await serviceToken(provider, { clientId: partner.clientId, clientSecret: partner.clientSecret! }, '');
    // A person without the admin role who asked for, and got, the scope.
    tokens['the scope but not the admin role'] = (await personTokens(provider, consoleClient, plainPerson)).access_token;
    // Expired: Tessera's own key and claims, with exp well past the 30 s leeway.
    const now = Math.floor(Date.now() / 1000);
    tokens.expired = await provider.tokenServiceApp.get(SigningKeys).sign({ ...decodeJwt(serviceAdminToken), iat: now - 900, exp: now - 120 }, 'at+jwt');
    // Revoked through RFC 7009: its status-list entry is set.
    const revoked = await serviceToken(provider, service);
    expect((await postForm(`${provider.issuer}/oauth2/revoke`, { token: revoked }, service)).status).toBe(200);
    tokens.revoked = revoked;
  });
  afterAll(() => provider?.close());

  const REFUSALS: [string, (t: Record<string, string>) => string | undefined, number, RegExp | null][] = [
    ['no token', () => undefined, 401, /^Bearer realm="tessera"$/],
    ['a malformed token', () => 'Bearer not a token', 401, /error="invalid_token"/],
    ['another scheme', () => `Basic ${Buffer.from('a:b').toString('base64')}`, 401, /error="invalid_token"/],
    ['a JWT that is not ours', () => 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl', 401, /error="invalid_token"/],
    ['an expired token', (t) => `Bearer ${t.expired}`, 401, /error="invalid_token"/],
    ['a revoked token', (t) => `Bearer ${t.revoked}`, 401, /error="invalid_token"/],
    ['a token without tessera:admin', (t) => `Bearer ${t['no tessera:admin scope']}`, 403, /error="insufficient_scope", scope="tessera:admin"/],
    ['a token with the scope but without the admin role', (t) => `Bearer ${t['the scope but not the admin role']}`, 403, null],
  ];
  const rows = ROUTES.flatMap(([method, path, body]) => REFUSALS.map(([name, authorization, status, challenge]) => ({
    label: `${method} ${path.split('?')[0]} with ${name} → ${status}`, method, path, body, authorization, status, challenge,
  })));

  it.each(rows)('$label', async ({ method, path, body, authorization, status, challenge }) => {
    const answer = await adminCall(provider.internalUrl, method, path, { authorization: authorization(tokens), body });
    expect(answer.status).toBe(status);
    expect(answer.json).toEqual({ error: status === 401 ? 'unauthorized' : 'forbidden', message: expect.any(String) });
    expect(answer.headers.get('cache-control')).toBe('no-store');
    if (challenge) expect(answer.headers.get('www-authenticate')).toMatch(challenge);
  });

  it.each(ROUTES.flatMap(([method, path, body]) => ['/admin', '/ADMIN', '/%61dmin', '//admin'].map((prefix) => ({ method, path, body, prefix }))))(
    'is not served on the public listener: $method $prefix/api/v1$path → 404',
    async ({ method, path, body, prefix }) => {
      const res = await fetch(`${provider.issuer}${prefix}/api/v1${path}`, {
        method, headers: { authorization: `Bearer ${serviceAdminToken}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
      });
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({ error: 'not_found', error_description: 'no such endpoint' });
    },
  );

  it('lets a CLI-made service client in with its client_credentials token: aud names the admin API, roles carry admin', async () => {
    expect(decodeJwt(serviceAdminToken)).toMatchObject({
      aud: [service.clientId, `${provider.issuer}/admin/api`], roles: ['admin'], scope: ADMIN_SCOPE, sub: service.clientId,
    });
    expect((await adminApi(provider, serviceAdminToken)('GET', '/keys')).status).toBe(200);
  });

  it('lets a person with the admin role in with the code flow token, and names them as the actor', async () => {
    const { access_token: token, id_token: idToken } = await personTokens(provider, consoleClient, adminPerson);
    expect(decodeJwt(token)).toMatchObject({ roles: ['admin'], aud: [consoleClient.clientId, `${provider.issuer}/admin/api`], sub: adminPerson.sub });
    // Roles go to the admin API's tokens only: never the ID token.
    expect(decodeJwt(idToken!)).not.toHaveProperty('roles');
    const api = adminApi(provider, token);
    const made = await api('POST', '/initial-access-tokens', { max_uses: 1 });
    expect(made.status).toBe(201);
    expect(made.json.created_by).toBe(adminPerson.sub);
  });

  it('refuses a person\'s admin token once their grant is revoked, at once', async () => {
    const { access_token: token, refresh_token: refresh } = await personTokens(provider, consoleClient, adminPerson, `openid offline_access ${ADMIN_SCOPE}`);
    expect((await adminApi(provider, token)('GET', '/keys')).status).toBe(200);
    const basic = { clientId: consoleClient.clientId, clientSecret: consoleClient.clientSecret! };
    expect((await postForm(`${provider.issuer}/oauth2/revoke`, { token: refresh! }, basic)).status).toBe(200);
    expect((await adminApi(provider, token)('GET', '/keys')).status).toBe(401);
  });

  it('shuts a service client out at once when its tessera:admin is taken away, and again when it is deleted', async () => {
    const other = await cliAdminClient(provider);
    const token = await serviceToken(provider, other);
    const api = adminApi(provider, serviceAdminToken);
    expect((await adminApi(provider, token)('GET', '/clients')).status).toBe(200);
    expect((await api('PATCH', `/clients/${other.clientId}`, { scope: null })).status).toBe(200);
    expect((await adminApi(provider, token)('GET', '/clients')).status).toBe(401);
    expect((await api('PATCH', `/clients/${other.clientId}`, { scope: ADMIN_SCOPE })).status).toBe(200);
    expect((await adminApi(provider, token)('GET', '/clients')).status).toBe(200);
    expect((await api('DELETE', `/clients/${other.clientId}`)).status).toBe(204);
    expect((await adminApi(provider, token)('GET', '/clients')).status).toBe(401);
  });

  it('never gives tessera:admin to a client that is not allowed it', async () => {
    const partner = await provider.registerClient({ grant_types: ['client_credentials'], redirect_uris: [] });
    const answer = await postForm(`${provider.issuer}/oauth2/token`, { grant_type: 'client_credentials', scope: ADMIN_SCOPE }, { clientId: partner.clientId, clientSecret: partner.clientSecret! });
    expect(answer).toMatchObject({ status: 400, body: { error: 'invalid_scope' } });
    // Nor can registration allow it.
    const registered = await fetch(`${provider.issuer}/oauth2/register`, {
      method: 'POST',
      headers: { authorization: `Bearer ${provider.initialAccessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ grant_types: ['client_credentials'], client_name: 'sneaky', scope: ADMIN_SCOPE }),
    });
    expect(registered.status).toBe(400);
    expect(await registered.json()).toMatchObject({ error: 'invalid_client_metadata' });
  });

  it('refuses OIDC scopes to a service client, as before', async () => {
    const answer = await postForm(`${provider.issuer}/oauth2/token`, { grant_type: 'client_credentials', scope: `openid ${ADMIN_SCOPE}` }, service);
    expect(answer).toMatchObject({ status: 400, body: { error: 'invalid_scope' } });
  });

  it('still serves the partner-facing endpoints with an admin token, whose aud is a list', async () => {
    const { access_token: token } = await personTokens(provider, consoleClient, adminPerson, `openid profile ${ADMIN_SCOPE}`);
    const userinfo = await fetch(`${provider.issuer}/oauth2/userinfo`, { headers: { authorization: `Bearer ${token}` } });
    expect(userinfo.status).toBe(200);
    const claims = await userinfo.json() as Record<string, unknown>;
    expect(claims).toMatchObject({ sub: adminPerson.sub, preferred_username: adminPerson.username });
    expect(claims).not.toHaveProperty('roles');
    const basic = { clientId: consoleClient.clientId, clientSecret: consoleClient.clientSecret! };
    const introspected = await postForm(`${provider.issuer}/oauth2/introspect`, { token }, basic);
    expect(introspected.body).toMatchObject({ active: true, aud: [consoleClient.clientId, `${provider.issuer}/admin/api`] });
    expect((await postForm(`${provider.issuer}/oauth2/revoke`, { token }, basic)).status).toBe(200);
    expect((await postForm(`${provider.issuer}/oauth2/introspect`, { token }, basic)).body).toEqual({ active: false });
  });
});
