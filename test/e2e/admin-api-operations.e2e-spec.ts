import { ADMIN_SCOPE, AdminSession, AdminSigningKey, AuditEvent } from '@tessera/contracts';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { AuditLog } from '../../apps/token-service/src/audit/audit-log';
import { StatusLists } from '../../apps/token-service/src/status-list/status-lists.service';
import { adminApi, AdminAnswer, adminCall, cliAdminClient, consoleLikeClient, createPerson, personTokens, serviceToken, ServiceClient } from './admin-api';
import { Provider, RegisteredClient, startProvider } from './harness';
import { postForm } from './sign-in';

describe('admin API: signing keys, sessions, audit events, errors', () => {
  let provider: Provider;
  let service: ServiceClient;
  let api: ReturnType<typeof adminApi>;
  let consoleClient: RegisteredClient;

  beforeAll(async () => {
    provider = await startProvider();
    service = await cliAdminClient(provider);
    api = adminApi(provider, await serviceToken(provider, service));
    consoleClient = await consoleLikeClient(provider, await serviceToken(provider, service));
  });
  afterAll(() => provider?.close());

  const expectFields = (answer: AdminAnswer, paths: string[]) => {
    expect(answer).toMatchObject({ status: 400, json: { error: 'invalid_request' } });
    expect((answer.json.fields as { path: string }[]).map((f) => f.path).sort()).toEqual([...paths].sort());
  };
  const keys = async () => (await api('GET', '/keys?limit=200')).json.items as AdminSigningKey[];
  const kidOf = (token: string) => decodeProtectedHeader(token).kid as string;

  describe('signing keys', () => {
    it('lists the keys with their state and schedule, newest first, a page at a time', async () => {
      const list = await api('GET', '/keys');
      expect(list.status).toBe(200);
      const active = (list.json.items as AdminSigningKey[]).find((k) => k.state === 'active')!;
      expect(active).toMatchObject({ kid: expect.any(String), created_at: expect.any(Number), activated_at: expect.any(Number), retires_at: expect.any(Number) });
      expect(JSON.stringify(list.json)).not.toMatch(/"d"|private|encrypted/i);
      await api('POST', '/keys/rotate', { now: true });
      const first = await api('GET', '/keys?limit=1');
      expect(first.json.items).toHaveLength(1);
      const second = await api('GET', `/keys?limit=1&cursor=${first.json.next_cursor as string}`);
      expect((second.json.items as AdminSigningKey[])[0].kid).not.toBe((first.json.items as AdminSigningKey[])[0].kid);
    });

    it('publishes a next key that activates after the lead time, or rotates at once with now', async () => {
      const published = await api('POST', '/keys/rotate', {});
      expect(published.status).toBe(200);
      expect(published.json).toMatchObject({ state: 'next', activates_at: expect.any(Number) });
      expect(published.json.activates_at as number).toBeGreaterThan(Date.now());
      const jwks = await (await fetch(`${provider.issuer}/.well-known/jwks.json`)).json() as { keys: { kid: string }[] };
      expect(jwks.keys.map((k) => k.kid)).toContain(published.json.kid);

      const rotated = await api('POST', '/keys/rotate', { now: true });
      expect(rotated.json).toMatchObject({ kid: published.json.kid, state: 'active' });
      const token = await serviceToken(provider, service);
      expect(kidOf(token)).toBe(published.json.kid);
    });

    it('revokes a key in an emergency: out of the JWKS, and what it signed revoked in the status list', async () => {
      const oldToken = await serviceToken(provider, service);
      const oldKid = kidOf(oldToken);
      await api('POST', '/keys/rotate', { now: true });
      api = adminApi(provider, await serviceToken(provider, service));
      const revoked = await api('POST', `/keys/${oldKid}/revoke`);
      expect(revoked.status).toBe(200);
      expect(revoked.json).toMatchObject({ revoked: { kid: oldKid, state: 'revoked', revoked_at: expect.any(Number) }, active_kid: expect.any(String) });
      const jwks = await (await fetch(`${provider.issuer}/.well-known/jwks.json`)).json() as { keys: { kid: string }[] };
      expect(jwks.keys.map((k) => k.kid)).not.toContain(oldKid);
      expect(await provider.tokenServiceApp.get(StatusLists).isRevoked(decodeJwt(oldToken))).toBe(true);
      expect((await adminApi(provider, oldToken)('GET', '/keys')).status).toBe(401);
      expect((await keys()).find((k) => k.kid === oldKid)).toMatchObject({ state: 'revoked' });
      await provider.tokenServiceApp.get(AuditLog).flush();
      const events = (await api('GET', `/audit-events?type=key.revoked&actor=client:${service.clientId}`)).json.items as AuditEvent[];
      expect(events.length).toBeGreaterThanOrEqual(1);
    });

    it('answers 404 for an unknown kid and 400 for a bad body', async () => {
      expect((await api('POST', '/keys/no-such-kid/revoke')).json).toEqual({ error: 'not_found', message: 'no such signing key' });
      expect((await api('POST', `/keys/${'x'.repeat(65)}/revoke`)).status).toBe(404);
      expectFields(await api('POST', '/keys/rotate', { now: 'yes', later: true }), ['now', 'later']);
    });
  });

  describe('sessions', () => {
    it('lists a person\'s sessions with their clients, by person or by client, a page at a time; ends one like a logout', async () => {
      const person = await createPerson(provider, []);
      const first = await personTokens(provider, consoleClient, person, 'openid offline_access');
      const second = await personTokens(provider, consoleClient, person, 'openid offline_access');
      const sid1 = String(decodeJwt(first.id_token!).sid);
      const sid2 = String(decodeJwt(second.id_token!).sid);

      const byPerson = await api('GET', `/sessions?subject=${person.sub}&limit=1`);
      expect(byPerson.status).toBe(200);
      const page1 = byPerson.json.items as AdminSession[];
      const page2 = (await api('GET', `/sessions?subject=${person.sub}&limit=1&cursor=${byPerson.json.next_cursor as string}`)).json.items as AdminSession[];
      expect(new Set([...page1, ...page2].map((s) => s.id))).toEqual(new Set([sid1, sid2]));
      expect(page1[0]).toMatchObject({ subject: person.sub, state: 'active', client_ids: [consoleClient.clientId], amr: ['pwd'], ended_at: null });

      const byClient = (await api('GET', `/sessions?client_id=${consoleClient.clientId}&limit=200`)).json.items as AdminSession[];
      expect(byClient.map((s) => s.id)).toEqual(expect.arrayContaining([sid1, sid2]));

      expect((await api('DELETE', `/sessions/${sid1}`)).status).toBe(204);
      const after = (await api('GET', `/sessions?subject=${person.sub}`)).json.items as AdminSession[];
      expect(after.find((s) => s.id === sid1)).toMatchObject({ state: 'ended', ended_at: expect.any(Number) });
      expect(after.find((s) => s.id === sid2)).toMatchObject({ state: 'active' });
      // The grants of the ended session are revoked; the other session's are not.
      const basic = { clientId: consoleClient.clientId, clientSecret: consoleClient.clientSecret! };
      expect((await postForm(`${provider.issuer}/oauth2/token`, { grant_type: 'refresh_token', refresh_token: first.refresh_token! }, basic)).body).toMatchObject({ error: 'invalid_grant' });
      expect((await postForm(`${provider.issuer}/oauth2/token`, { grant_type: 'refresh_token', refresh_token: second.refresh_token! }, basic)).status).toBe(200);
      expect((await api('DELETE', '/sessions/no-such-session')).json).toEqual({ error: 'not_found', message: 'no such session' });
    });

    it('revokes everything a person holds, and only theirs', async () => {
      const person = await createPerson(provider, []);
      const bystander = await createPerson(provider, []);
      const held = await Promise.all([1, 2].map(() => personTokens(provider, consoleClient, person, 'openid offline_access')));
      const theirs = await personTokens(provider, consoleClient, bystander, 'openid offline_access');
      const revoked = await api('POST', '/sessions/revoke', { subject: person.sub });
      expect(revoked).toMatchObject({ status: 200, json: { sessions_ended: 2, grants_revoked: 2 } });
      const basic = { clientId: consoleClient.clientId, clientSecret: consoleClient.clientSecret! };
      for (const tokens of held) {
        expect((await postForm(`${provider.issuer}/oauth2/token`, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token! }, basic)).status).toBe(400);
        // Their access tokens too: at once here, and for offline verifiers through the status list.
        expect(await provider.tokenServiceApp.get(StatusLists).isRevoked(decodeJwt(tokens.access_token))).toBe(true);
        expect((await fetch(`${provider.issuer}/oauth2/userinfo`, { headers: { authorization: `Bearer ${tokens.access_token}` } })).status).toBe(401);
      }
      expect((await postForm(`${provider.issuer}/oauth2/token`, { grant_type: 'refresh_token', refresh_token: theirs.refresh_token! }, basic)).status).toBe(200);
      expect(((await api('GET', `/sessions?subject=${person.sub}`)).json.items as AdminSession[]).every((s) => s.state === 'ended')).toBe(true);
      await provider.tokenServiceApp.get(AuditLog).flush();
      const [event] = (await api('GET', `/audit-events?type=session.revoked&subject=${person.sub}`)).json.items as AuditEvent[];
      expect(event).toMatchObject({ actor: `client:${service.clientId}`, details: { sessions_ended: 2, grants_revoked: 2 } });
    });

    it.each<[string, string[]]>([
      ['', ['subject']],
      ['?subject=a&client_id=b', ['client_id']],
      [`?subject=${'x'.repeat(256)}`, ['subject']],
    ])('refuses the list query "%s"', async (query, paths) => {
      expectFields(await api('GET', `/sessions${query}`), paths);
    });

    it.each<[unknown, string[]]>([
      [{}, ['subject']],
      [{ subject: '' }, ['subject']],
      [{ subject: 42, all: true }, ['subject', 'all']],
    ])('refuses to revoke with %j', async (body, paths) => {
      expectFields(await api('POST', '/sessions/revoke', body), paths);
    });
  });

  describe('the login UI\'s subject revocation (internal API)', () => {
    const call = (sub: string, authorization?: string, base = provider.internalUrl, body?: unknown) => fetch(`${base}/internal/v1/subjects/${encodeURIComponent(sub)}/revoke`, {
      method: 'POST',
      headers: { ...(authorization ? { authorization } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

    it('ends every session and grant of the person, with the service credential only', async () => {
      const person = await createPerson(provider, []);
      const tokens = await personTokens(provider, consoleClient, person, 'openid offline_access');
      expect((await call(person.sub)).status).toBe(401);
      expect((await call(person.sub, `Bearer ${provider.internalApiSecret}`, provider.issuer)).status).toBe(404);
      const answer = await call(person.sub, `Bearer ${provider.internalApiSecret}`, provider.internalUrl, { actor: 'admin-sub' });
      expect(answer.status).toBe(200);
      expect(await answer.json()).toEqual({ sessions_ended: 1, grants_revoked: 1 });
      const basic = { clientId: consoleClient.clientId, clientSecret: consoleClient.clientSecret! };
      expect((await postForm(`${provider.issuer}/oauth2/token`, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token! }, basic)).status).toBe(400);
      await provider.tokenServiceApp.get(AuditLog).flush();
      expect((await api('GET', `/audit-events?type=session.revoked&subject=${person.sub}`)).json.items).toMatchObject([{ actor: 'admin-sub' }]);
      expect((await call(person.sub, `Bearer ${provider.internalApiSecret}`, provider.internalUrl, { actor: 42 })).status).toBe(400);
    });
  });

  describe('audit events', () => {
    it('filters by type, actor, client and time, newest first, a page at a time', async () => {
      const start = Date.now();
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) ids.push(String((await api('POST', '/clients', { client_name: `Audited ${i}`, grant_types: ['client_credentials'] })).json.client_id));
      await provider.tokenServiceApp.get(AuditLog).flush();
      const query = `type=client.created&type=client.deleted&actor=client:${service.clientId}&since=${new Date(start - 1000).toISOString()}`;
      const first = await api('GET', `/audit-events?${query}&limit=2`);
      expect(first.status).toBe(200);
      const second = await api('GET', `/audit-events?${query}&limit=2&cursor=${first.json.next_cursor as string}`);
      const events = [...first.json.items as AuditEvent[], ...second.json.items as AuditEvent[]];
      expect(events.map((e) => e.clientId)).toEqual(expect.arrayContaining(ids));
      expect(events.every((e) => e.type === 'client.created' && e.at >= start - 1000)).toBe(true);
      expect(events.map((e) => e.at)).toEqual([...events.map((e) => e.at)].sort((a, b) => b - a));
      const one = (await api('GET', `/audit-events?client_id=${ids[1]}`)).json.items as AuditEvent[];
      expect(one).toEqual([expect.objectContaining({ type: 'client.created', clientId: ids[1] })]);
      expect((await api('GET', `/audit-events?client_id=${ids[1]}&until=${start - 1000}`)).json.items).toEqual([]);
    });

    it.each<[string, string[]]>([
      ['type=nope', ['type']],
      ['since=yesterday', ['since']],
      ['since=1700000000', ['since']],
      ['since=1800000000000&until=1700000000000', ['until']],
      ['cursor=bm9wZQ', ['cursor']],
      ['subject=a&subject=b', ['subject']],
    ])('refuses "%s"', async (query, paths) => {
      expectFields(await api('GET', `/audit-events?${query}`), paths);
    });
  });

  describe('errors in one shape', () => {
    it('answers an unknown admin route 404 as AdminApiError, and never echoes the path', async () => {
      for (const [method, path] of [['GET', '/nope'], ['GET', ''], ['PUT', '/clients'], ['GET', '/clients/x/secret?code=secret-marker']]) {
        const answer = await api(method, path);
        expect({ method, path, status: answer.status, json: answer.json }).toEqual({ method, path, status: 404, json: { error: 'not_found', message: 'no such admin API route' } });
      }
    });

    it('answers 413 too_large and 400 invalid_request for bodies the parser refuses', async () => {
      const authorization = `Bearer ${await serviceToken(provider, service)}`;
      const big = await adminCall(provider.internalUrl, 'POST', '/clients', { authorization, rawBody: JSON.stringify({ client_name: 'x'.repeat(70_000) }) });
      expect(big).toMatchObject({ status: 413, json: { error: 'too_large', message: expect.any(String) } });
      const broken = await adminCall(provider.internalUrl, 'POST', '/clients', { authorization, rawBody: '{"client_name": ' });
      expect(broken).toMatchObject({ status: 400, json: { error: 'invalid_request', message: expect.any(String) } });
      expect(broken.headers.get('cache-control')).toBe('no-store');
    });

    it('takes the admin token only from the Authorization header', async () => {
      const token = await serviceToken(provider, service);
      const res = await fetch(`${provider.internalUrl}/admin/api/v1/keys?access_token=${token}`);
      expect(res.status).toBe(401);
      expect(ADMIN_SCOPE).toBe('tessera:admin');
    });
  });
});
