import { ADMIN_SCOPE, AdminClient, AdminInitialAccessToken } from '@tessera/contracts';
import { AuditLog } from '../../apps/token-service/src/audit/audit-log';
import { adminApi, AdminAnswer, cliAdminClient, serviceToken, ServiceClient } from './admin-api';
import { Provider, randomName, startProvider } from './harness';
import { Browser } from './browser';
import { codeFlow, postForm } from './sign-in';

const CB = 'https://partner.example/callback';

describe('admin API: clients and initial access tokens', () => {
  let provider: Provider;
  let service: ServiceClient;
  let api: ReturnType<typeof adminApi>;

  beforeAll(async () => {
    provider = await startProvider();
    service = await cliAdminClient(provider);
    api = adminApi(provider, await serviceToken(provider, service));
  });
  afterAll(() => provider?.close());

  const expectFields = (answer: AdminAnswer, paths: string[]) => {
    expect(answer.status).toBe(400);
    expect(answer.json).toEqual({ error: 'invalid_request', message: expect.any(String), fields: expect.any(Array) });
    expect((answer.json.fields as { path: string }[]).map((f) => f.path).sort()).toEqual([...paths].sort());
  };
  const tokenFor = (clientId: string, clientSecret: string) =>
    postForm(`${provider.issuer}/oauth2/token`, { grant_type: 'client_credentials' }, { clientId, clientSecret });
  const auditOf = async (query: string) => {
    await provider.tokenServiceApp.get(AuditLog).flush();
    return (await api('GET', `/audit-events?${query}`)).json.items as { type: string; actor: string }[];
  };

  describe('clients', () => {
    it('creates a confidential client, shows its secret once, and the secret works', async () => {
      const created = await api('POST', '/clients', {
        client_name: randomName('Partner '), redirect_uris: [CB], grant_types: ['authorization_code', 'client_credentials'], first_party: true,
      });
      expect(created.status).toBe(201);
      expect(created.headers.get('cache-control')).toBe('no-store');
      expect(created.json).toMatchObject({
        client_id: expect.any(String), client_secret: expect.any(String), redirect_uris: [CB], response_types: ['code'],
        grant_types: ['authorization_code', 'client_credentials'], first_party: true, scope: null, created_at: expect.any(Number),
      });
      const { client_id: id, client_secret: secret } = created.json as { client_id: string; client_secret: string };
      expect((await tokenFor(id, secret)).status).toBe(200);

      const shown = await api('GET', `/clients/${id}`);
      expect(shown.status).toBe(200);
      expect(shown.json).not.toHaveProperty('client_secret');
      expect(shown.json).toMatchObject({ client_id: id, first_party: true });
      expect((await auditOf(`type=client.created&client_id=${id}`))[0]).toMatchObject({ type: 'client.created', actor: `client:${service.clientId}` });
    });

    it('creates a public client without a secret', async () => {
      const created = await api('POST', '/clients', { client_name: 'SPA', redirect_uris: ['http://127.0.0.1:8080/cb'], token_endpoint_auth_method: 'none' });
      expect(created.status).toBe(201);
      expect(created.json).not.toHaveProperty('client_secret');
    });

    it.each<[string, unknown, string[]]>([
      ['an insecure redirect URI', { client_name: 'x', redirect_uris: ['http://partner.example/cb'] }, ['redirect_uris']],
      ['no redirect URI for the code flow', { client_name: 'x' }, ['redirect_uris']],
      ['an unknown grant type', { client_name: 'x', redirect_uris: [CB], grant_types: ['password'] }, ['grant_types']],
      ['an unknown scope', { client_name: 'x', redirect_uris: [CB], scope: 'openid admin' }, ['scope']],
      ['client_credentials for a public client', { client_name: 'x', grant_types: ['client_credentials'], token_endpoint_auth_method: 'none' }, ['token_endpoint_auth_method']],
      ['a name too long', { client_name: 'x'.repeat(201), redirect_uris: [CB] }, ['client_name']],
      ['first_party that is not a boolean, and a member nobody knows', { redirect_uris: [CB], first_party: 'yes', logo_uri: 'x' }, ['first_party', 'logo_uri']],
      ['a body that is not an object', [CB], ['body']],
    ])('refuses to create a client with %s: 400 naming the fields', async (_case, body, paths) => {
      expectFields(await api('POST', '/clients', body), paths);
    });

    it('lists by name with a prefix search, a page at a time', async () => {
      const prefix = randomName('Listed');
      const ids: string[] = [];
      for (const suffix of ['c', 'a', 'b']) {
        ids.push(String((await api('POST', '/clients', { client_name: `${prefix} ${suffix}`, redirect_uris: [CB] })).json.client_id));
      }
      const first = await api('GET', `/clients?q=${encodeURIComponent(prefix)}&limit=2`);
      expect(first.status).toBe(200);
      const firstItems = first.json.items as AdminClient[];
      expect(firstItems.map((c) => c.client_name)).toEqual([`${prefix} a`, `${prefix} b`]);
      expect(first.json.next_cursor).toEqual(expect.any(String));
      const second = await api('GET', `/clients?q=${encodeURIComponent(prefix)}&limit=2&cursor=${first.json.next_cursor as string}`);
      expect((second.json.items as AdminClient[]).map((c) => c.client_name)).toEqual([`${prefix} c`]);
      expect(second.json.next_cursor).toBeNull();
      // A client_id prefix finds the client too; the LIKE wildcards are taken literally.
      const byId = await api('GET', `/clients?q=${encodeURIComponent(ids[0].slice(0, 12))}`);
      expect((byId.json.items as AdminClient[]).map((c) => c.client_id)).toContain(ids[0]);
      expect((await api('GET', `/clients?q=${encodeURIComponent(`${prefix.slice(0, 6)}%`)}`)).json.items).toEqual([]);
    });

    it.each<[string, string[]]>([
      ['?limit=0', ['limit']],
      ['?limit=201', ['limit']],
      ['?cursor=not*a*cursor', ['cursor']],
      [`?cursor=${Buffer.from('["only one"]').toString('base64url')}`, ['cursor']],
      ['?q=a&q=b', ['q']],
      ['?sort=name', ['sort']],
    ])('refuses the list query %s', async (query, paths) => {
      expectFields(await api('GET', `/clients${query}`), paths);
    });

    it('answers 404 in its own shape for an unknown client', async () => {
      for (const [method, path] of [['GET', '/clients/nope'], ['PATCH', '/clients/nope'], ['POST', '/clients/nope/secret'], ['DELETE', '/clients/nope']]) {
        const answer = await api(method, path, method === 'PATCH' ? { client_name: 'x' } : undefined);
        expect({ method, status: answer.status, json: answer.json }).toEqual({ method, status: 404, json: { error: 'not_found', message: 'no such client' } });
      }
    });

    it('updates redirect URIs, grant types, name, first-party and scope, checked as registration checks them', async () => {
      const id = String((await api('POST', '/clients', { client_name: 'Before', redirect_uris: [CB] })).json.client_id);
      const changed = await api('PATCH', `/clients/${id}`, {
        client_name: 'After', redirect_uris: [CB, 'https://partner.example/other'], post_logout_redirect_uris: ['https://partner.example/bye'],
        grant_types: ['authorization_code', 'refresh_token'], first_party: true, scope: 'openid profile',
      });
      expect(changed.status).toBe(200);
      expect(changed.json).toMatchObject({
        client_name: 'After', redirect_uris: [CB, 'https://partner.example/other'], post_logout_redirect_uris: ['https://partner.example/bye'],
        grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], first_party: true, scope: 'openid profile',
      });
      expect((await api('GET', `/clients/${id}`)).json).toMatchObject({ client_name: 'After', scope: 'openid profile' });
      // Dropping the code flow drops its response type; restoring the default scope is null.
      const serviceOnly = await api('PATCH', `/clients/${id}`, { grant_types: ['client_credentials'], scope: null });
      expect(serviceOnly.json).toMatchObject({ grant_types: ['client_credentials'], response_types: [], scope: null });
      expect((await auditOf(`type=client.updated&client_id=${id}`)).length).toBe(2);

      expectFields(await api('PATCH', `/clients/${id}`, { grant_types: ['authorization_code'], redirect_uris: [] }), ['redirect_uris']);
      expectFields(await api('PATCH', `/clients/${id}`, { token_endpoint_auth_method: 'none' }), ['token_endpoint_auth_method']);
      expectFields(await api('PATCH', `/clients/${id}`, {}), ['body']);
    });

    it('rotates a secret: the new one is shown once and works, the old one stops at once', async () => {
      const created = await api('POST', '/clients', { client_name: 'Rotating', grant_types: ['client_credentials'] });
      const { client_id: id, client_secret: old } = created.json as { client_id: string; client_secret: string };
      expect((await tokenFor(id, old)).status).toBe(200);
      const rotated = await api('POST', `/clients/${id}/secret`);
      expect(rotated.status).toBe(200);
      const fresh = String(rotated.json.client_secret);
      expect(fresh).not.toBe(old);
      expect((await tokenFor(id, old)).body).toMatchObject({ error: 'invalid_client' });
      expect((await tokenFor(id, fresh)).status).toBe(200);

      const spa = await api('POST', '/clients', { client_name: 'SPA', redirect_uris: [CB], token_endpoint_auth_method: 'none' });
      const refused = await api('POST', `/clients/${String(spa.json.client_id)}/secret`);
      expect(refused).toMatchObject({ status: 409, json: { error: 'conflict' } });
    });

    it('deletes a client: it can no longer authenticate, and the grants it held are revoked', async () => {
      const partner = await provider.registerClient({ redirect_uris: [CB], grant_types: ['authorization_code', 'refresh_token', 'client_credentials'] });
      const { tokens } = await codeFlow(new Browser(provider.origins), partner, await provider.createUser());
      const deleted = await api('DELETE', `/clients/${partner.clientId}`);
      expect(deleted.status).toBe(204);
      expect((await api('GET', `/clients/${partner.clientId}`)).status).toBe(404);
      expect((await api('DELETE', `/clients/${partner.clientId}`)).status).toBe(404);
      expect((await tokenFor(partner.clientId, partner.clientSecret!)).body).toMatchObject({ error: 'invalid_client' });
      // The grant is revoked: userinfo refuses its access token at once.
      const userinfo = await fetch(`${provider.issuer}/oauth2/userinfo`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
      expect(userinfo.status).toBe(401);
      const [event] = await auditOf(`type=client.deleted&client_id=${partner.clientId}`);
      expect(event).toMatchObject({ actor: `client:${service.clientId}`, details: { grants_revoked: 1 } });
    });

    it('may allow tessera:admin, which registration never may', async () => {
      const created = await api('POST', '/clients', { client_name: 'Robot', grant_types: ['client_credentials'], scope: ADMIN_SCOPE });
      expect(created.json).toMatchObject({ scope: ADMIN_SCOPE, redirect_uris: [] });
      const robot = { clientId: String(created.json.client_id), clientSecret: String(created.json.client_secret) };
      expect((await adminApi(provider, await serviceToken(provider, robot))('GET', '/keys')).status).toBe(200);
    });
  });

  describe('initial access tokens', () => {
    const register = (token: string, name = randomName('registered')) => fetch(`${provider.issuer}/oauth2/register`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ client_name: name, redirect_uris: [CB] }),
    });

    it('makes a token shown once that registers clients as many times as allowed, then no more', async () => {
      const created = await api('POST', '/initial-access-tokens', { expires_in: 3600, max_uses: 2 });
      expect(created.status).toBe(201);
      expect(created.headers.get('cache-control')).toBe('no-store');
      const before = Date.now();
      expect(created.json).toMatchObject({
        id: expect.any(String), token: expect.any(String), state: 'active', max_uses: 2, uses_left: 2, created_by: `client:${service.clientId}`, revoked_at: null,
      });
      expect(created.json.expires_at as number).toBeGreaterThan(before + 3_500_000);
      const { id, token } = created.json as { id: string; token: string };

      expect((await register(token)).status).toBe(201);
      // A refused registration costs no use.
      const refused = await fetch(`${provider.issuer}/oauth2/register`, {
        method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ redirect_uris: ['http://partner.example/cb'] }),
      });
      expect(refused.status).toBe(400);
      expect((await register(token)).status).toBe(201);
      const spent = await register(token);
      expect(spent.status).toBe(401);
      expect(await spent.json()).toMatchObject({ error: 'invalid_token' });

      const listed = (await api('GET', '/initial-access-tokens?limit=200')).json.items as AdminInitialAccessToken[];
      const row = listed.find((t) => t.id === id)!;
      expect(row).toMatchObject({ state: 'used_up', uses_left: 0, max_uses: 2 });
      expect(row).not.toHaveProperty('token');
      expect(JSON.stringify(listed)).not.toContain(token);
    });

    it('cannot be overspent by concurrent registrations', async () => {
      const { token } = (await api('POST', '/initial-access-tokens', { max_uses: 3 })).json as { token: string };
      const answers = await Promise.all(Array.from({ length: 12 }, () => register(token)));
      expect(answers.filter((a) => a.status === 201)).toHaveLength(3);
      expect(answers.filter((a) => a.status === 401)).toHaveLength(9);
    });

    it('revokes a token: registration refuses it at once; the bootstrap token still works', async () => {
      const { id, token } = (await api('POST', '/initial-access-tokens', {})).json as { id: string; token: string };
      expect((await api('DELETE', `/initial-access-tokens/${id}`)).status).toBe(204);
      expect((await register(token)).status).toBe(401);
      expect((await register(provider.initialAccessToken)).status).toBe(201);
      const listed = (await api('GET', '/initial-access-tokens?limit=200')).json.items as AdminInitialAccessToken[];
      expect(listed.find((t) => t.id === id)).toMatchObject({ state: 'revoked', revoked_at: expect.any(Number) });
      expect((await api('DELETE', '/initial-access-tokens/nope')).json).toEqual({ error: 'not_found', message: 'no such initial access token' });
      const events = await auditOf('type=initial_access_token.created&type=initial_access_token.revoked&limit=200');
      expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['initial_access_token.created', 'initial_access_token.revoked']));
    });

    it('lists newest first, a page at a time', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) ids.push(String((await api('POST', '/initial-access-tokens', {})).json.id));
      const first = await api('GET', '/initial-access-tokens?limit=2');
      const second = await api('GET', `/initial-access-tokens?limit=2&cursor=${first.json.next_cursor as string}`);
      const listed = [...first.json.items as AdminInitialAccessToken[], ...second.json.items as AdminInitialAccessToken[]];
      expect(listed).toHaveLength(4);
      // Ours are the newest three (two may share a millisecond: then the id orders them), none twice.
      expect(new Set(listed.slice(0, 3).map((t) => t.id))).toEqual(new Set(ids));
      expect(listed.map((t) => t.created_at)).toEqual([...listed.map((t) => t.created_at)].sort((a, b) => b - a));
    });

    it.each<[unknown, string[]]>([
      [{ expires_in: 30 * 86400 + 1 }, ['expires_in']],
      [{ expires_in: 59 }, ['expires_in']],
      [{ max_uses: 0, expires_in: '3600' }, ['max_uses', 'expires_in']],
      [{ max_uses: 1001 }, ['max_uses']],
      [{ max_uses: 1.5, uses: 2 }, ['max_uses', 'uses']],
    ])('refuses %j', async (body, paths) => {
      expectFields(await api('POST', '/initial-access-tokens', body), paths);
    });
  });
});
