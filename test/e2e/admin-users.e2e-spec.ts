/**
 * The user directory's admin API on the login UI (issue 7): every route over real HTTP against the
 * running provider, with real tokens — a tessera:admin service client's (client_credentials), people's
 * from a console-like client's code flow — and, for the tokens Tessera never issues (expired on
 * demand, an admin audience without the scope, a console token for a made-up person), tokens signed
 * with the token service's own signing key.
 */
import { ADMIN_API_PREFIX, ADMIN_SCOPE, adminAudience, AdminUser, AuditEvent } from '@tessera/contracts';
import { createVerifier, isRpError, Verifier } from '@tessera/rp';
import { randomBytes } from 'node:crypto';
import * as oidc from 'openid-client';
import { AuditTrail } from '../../apps/login-ui/src/audit/audit-trail';
import { INVALID_CREDENTIALS } from '../../apps/login-ui/src/login/login.flow';
import { AuditLog } from '../../apps/token-service/src/audit/audit-log';
import { SigningKeys } from '../../apps/token-service/src/keys/signing-keys.service';
import { adminCall, cliAdminClient, consoleLikeClient, personTokens, serviceToken } from './admin-api';
import { Browser } from './browser';
import { Provider, randomName, RegisteredClient, startProvider, TestUser } from './harness';
import { waitUntil } from './rp-probe';
import { authRequest, codeFlow, postForm, signIn } from './sign-in';

const USERS = '/users';
const REDIRECT_URI = 'https://partner.example/callback';
const LOCKOUT_MAX_FAILURES = 3;

interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

describe('admin API: the user directory (login UI)', () => {
  let provider: Provider;
  let partner: RegisteredClient;
  /** A real admin token: a tessera:admin service client's, from client_credentials. */
  let adminToken: string;
  let robotClientId: string;
  const verifiers: Verifier[] = [];
  const browser = () => new Browser(provider.origins);

  /** One call of the login UI's admin API, with the service client's token unless told otherwise (null: none). */
  const api = async (method: string, path: string, options: { token?: string | null; body?: unknown; rawBody?: string } = {}): Promise<Answer> => {
    const token = options.token === undefined ? adminToken : options.token;
    const authorization = token === null ? undefined : `Bearer ${token}`;
    const { status, headers, json } = await adminCall(provider.loginUiUrl, method, path, { authorization, body: options.body, rawBody: options.rawBody });
    return { status, headers, body: json };
  };

  /** An access token signed with Tessera's key, with these claims over an admin console's defaults. */
  const mint = (claims: Record<string, unknown> = {}): Promise<string> => {
    const now = Math.floor(Date.now() / 1000);
    return provider.tokenServiceApp.get(SigningKeys).sign({
      iss: provider.issuer,
      sub: `person-${randomBytes(4).toString('hex')}`,
      aud: ['admin-console', adminAudience(provider.issuer)],
      client_id: 'admin-console',
      scope: `openid ${ADMIN_SCOPE}`,
      roles: ['admin'],
      jti: randomBytes(16).toString('base64url'),
      iat: now,
      exp: now + 300,
      ...claims,
    }, 'at+jwt');
  };

  /** `call`'s answer with the token service stopped (started again afterwards, whatever happens). */
  const whileTokenServiceIsDown = async (call: () => Promise<Answer>): Promise<Answer> => {
    await provider.stopTokenService();
    try {
      return await call();
    } finally {
      await provider.startTokenServiceAgain();
    }
  };

  /** What `npm run cli -- clients:create --name … --admin` makes, and its client_credentials token. */
  const serviceClientToken = async () => {
    const client = await cliAdminClient(provider);
    return { ...client, token: await serviceToken(provider, client) };
  };

  const createUser = async (body: Record<string, unknown>): Promise<AdminUser & { generated_password?: string }> => {
    const res = await api('POST', USERS, { body });
    if (res.status !== 201) throw new Error(`POST /users answered ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body as unknown as AdminUser;
  };

  const newPerson = async (extra: Record<string, unknown> = {}): Promise<TestUser & { id: string }> => {
    const username = (extra.username as string | undefined) ?? randomName('dir');
    const password = `Corr3ct-Horse-${randomBytes(6).toString('hex')}`;
    const user = await createUser({ username, password, email: `${username}@example.com`, name: `Test ${username}`, ...extra });
    return { id: user.id, username, password, email: user.email ?? '', name: user.name ?? '' };
  };

  /** True when the password form takes these credentials all the way back to the partner. */
  const canSignIn = async (username: string, password: string): Promise<boolean> => {
    const result = await signIn(browser(), (await authRequest(partner)).url, { username, password });
    if (!result.callback) expect(result.page.body).toContain(INVALID_CREDENTIALS);
    return result.callback !== undefined;
  };

  beforeAll(async () => {
    provider = await startProvider({
      STATUS_LIST_TTL: '1',
      LOCKOUT_MAX_FAILURES: String(LOCKOUT_MAX_FAILURES),
      LOCKOUT_WAIT_SECONDS: '600',
      RATE_LIMIT_LOGIN: 'off',
    });
    partner = await provider.registerClient({
      redirect_uris: [REDIRECT_URI], grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'],
    });
    ({ clientId: robotClientId, token: adminToken } = await serviceClientToken());
  });
  afterEach(() => {
    verifiers.splice(0).forEach((v) => v.close());
  });
  afterAll(() => provider?.close());

  describe('authorization, on every route', () => {
    let target: string;
    /** A person's real token from a client allowed tessera:admin: the scope, but not the role. */
    let noRoleToken: string;
    /** A person's real token at a partner: another audience. */
    let partnerToken: string;
    beforeAll(async () => {
      target = (await newPerson()).id;
      const person = await newPerson();
      noRoleToken = (await personTokens(provider, await consoleLikeClient(provider, adminToken), person)).access_token;
      partnerToken = (await codeFlow(browser(), partner, person)).tokens.access_token;
    });

    const routes: { method: string; path: (id: string) => string; body?: unknown }[] = [
      { method: 'GET', path: () => USERS },
      { method: 'POST', path: () => USERS, body: { username: 'never-created', password: 'Corr3ct-Horse-Battery' } },
      { method: 'GET', path: (id) => `${USERS}/${id}` },
      { method: 'PATCH', path: (id) => `${USERS}/${id}`, body: { name: 'Changed' } },
      { method: 'PUT', path: (id) => `${USERS}/${id}/roles`, body: { roles: ['admin'] } },
      { method: 'POST', path: (id) => `${USERS}/${id}/disable` },
      { method: 'POST', path: (id) => `${USERS}/${id}/enable` },
      { method: 'POST', path: (id) => `${USERS}/${id}/password`, body: { generate: true } },
      { method: 'POST', path: (id) => `${USERS}/${id}/unlock` },
    ];
    const now = () => Math.floor(Date.now() / 1000);
    const cases: { name: string; token: () => Promise<string | null>; status: number; error: string; challenge: RegExp | null }[] = [
      { name: 'no token', token: async () => null, status: 401, error: 'unauthorized', challenge: /^Bearer realm="tessera"$/ },
      { name: 'a malformed token', token: async () => 'not.a-jwt', status: 401, error: 'unauthorized', challenge: /error="invalid_token"/ },
      { name: 'an expired token', token: () => mint({ iat: now() - 3600, exp: now() - 600 }), status: 401, error: 'unauthorized', challenge: /error="invalid_token", error_description="The token has expired"/ },
      { name: "a partner's access token", token: async () => partnerToken, status: 401, error: 'unauthorized', challenge: /error="invalid_token", error_description="The token is meant for another audience"/ },
      { name: 'an ID token', token: async () => provider.tokenServiceApp.get(SigningKeys).sign({ iss: provider.issuer, sub: 'x', aud: adminAudience(provider.issuer), iat: now(), exp: now() + 300 }, 'JWT'), status: 401, error: 'unauthorized', challenge: /error="invalid_token"/ },
      { name: 'a token without tessera:admin', token: () => mint({ scope: 'openid profile' }), status: 403, error: 'forbidden', challenge: /error="insufficient_scope", scope="tessera:admin"/ },
      { name: 'a token with tessera:admin but without the admin role', token: async () => noRoleToken, status: 403, error: 'forbidden', challenge: null },
    ];
    const rows = cases.flatMap((c) => routes.map((r) => ({ ...c, route: r, label: `${c.name}: ${r.method} ${r.path(':id')}` })));

    it.each(rows)('$label → $status', async ({ token, route, status, error, challenge }) => {
      const res = await api(route.method, route.path(target), { token: await token(), body: route.body });
      expect(res.status).toBe(status);
      expect(res.body).toEqual({ error, message: expect.any(String) });
      if (challenge) expect(res.headers.get('www-authenticate')).toMatch(challenge);
      else expect(res.headers.get('www-authenticate')).toBeNull();
    });

    it('changed nothing while refusing', async () => {
      const res = await api('GET', `${USERS}/${target}`);
      expect(res.body).toMatchObject({ roles: [], disabled: false, name: expect.stringMatching(/^Test dir/) });
      expect((await api('GET', `${USERS}?q=never-created`)).body.items).toEqual([]);
    });

    it('refuses a revoked admin token once the status list says so', async () => {
      const { clientId, clientSecret, token } = await serviceClientToken();
      expect((await api('GET', `${USERS}/${target}`, { token })).status).toBe(200);
      const revoke = await postForm(`${provider.issuer}/oauth2/revoke`, { token }, { clientId, clientSecret });
      expect(revoke.status).toBe(200);
      let answer = 200;
      await waitUntil('the revoked admin token to be refused', () => answer === 401, {
        meanwhile: async () => { answer = (await api('GET', `${USERS}/${target}`, { token })).status; },
      });
    });
  });

  describe('users', () => {
    it('creates a person with profile claims, answers them without any password, and shows them again by id', async () => {
      const username = randomName('Ada');
      const res = await api('POST', USERS, {
        body: {
          username, password: 'correct horse battery staple', email: `${username}@Example.com`, email_verified: true,
          name: 'Ada Lovelace', given_name: 'Ada', family_name: 'Lovelace', picture: 'https://pictures.example/ada.png',
          locale: 'en-gb', zoneinfo: 'europe/london', roles: ['admin'],
        },
      });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/), username, email: `${username}@Example.com`, email_verified: true,
        name: 'Ada Lovelace', given_name: 'Ada', family_name: 'Lovelace', picture: 'https://pictures.example/ada.png',
        locale: 'en-GB', zoneinfo: 'Europe/London', roles: ['admin'], disabled: false, failed_sign_ins: 0, locked_until: null,
        created_at: expect.any(Number), updated_at: expect.any(Number),
      });
      expect(JSON.stringify(res.body)).not.toMatch(/password|argon2/);
      const again = await api('GET', `${USERS}/${res.body.id as string}`);
      expect(again.status).toBe(200);
      expect(again.body).toEqual(res.body);
    });

    it('is what a partner learns of the person when they sign in, roles excepted', async () => {
      const person = await newPerson({ roles: ['admin'] });
      const { tokens } = await codeFlow(browser(), partner, person);
      const claims = tokens.claims()!;
      expect(claims).toMatchObject({ sub: person.id, name: person.name, preferred_username: person.username, email: person.email });
      expect(claims).not.toHaveProperty('roles');
    });

    it('changes profile claims: null clears, a new email is unverified, the username cannot change', async () => {
      const person = await newPerson({ email_verified: true, given_name: 'Old', locale: 'de' });
      const before = (await api('GET', `${USERS}/${person.id}`)).body;
      const newEmail = `${randomName('new')}@example.com`;
      const res = await api('PATCH', `${USERS}/${person.id}`, { body: { name: 'New Name', given_name: null, email: newEmail, zoneinfo: 'America/New_York' } });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ username: person.username, name: 'New Name', given_name: null, locale: 'de', email: newEmail, email_verified: false, zoneinfo: 'America/New_York' });
      expect(res.body.updated_at as number).toBeGreaterThanOrEqual(before.updated_at as number);
      // The person now signs in with the new address, not the old one.
      expect(await canSignIn(newEmail, person.password)).toBe(true);
      expect(await canSignIn(person.email, person.password)).toBe(false);

      const rename = await api('PATCH', `${USERS}/${person.id}`, { body: { username: 'someone-else' } });
      expect(rename.status).toBe(400);
      expect(rename.body.fields).toEqual([{ path: 'username', message: 'the username cannot be changed' }]);
    });

    it('sets known roles only, and lists the holders of a role', async () => {
      const person = await newPerson();
      const granted = await api('PUT', `${USERS}/${person.id}/roles`, { body: { roles: ['admin', 'admin'] } });
      expect(granted.status).toBe(200);
      expect(granted.body.roles).toEqual(['admin']);
      const admins = await api('GET', `${USERS}?role=admin&q=${person.username}`);
      expect((admins.body.items as AdminUser[]).map((u) => u.id)).toEqual([person.id]);

      const unknown = await api('PUT', `${USERS}/${person.id}/roles`, { body: { roles: ['superuser'] } });
      expect(unknown.status).toBe(400);
      expect(unknown.body.fields).toEqual([{ path: 'roles', message: 'unknown role "superuser"; the known roles are: admin' }]);

      const revoked = await api('PUT', `${USERS}/${person.id}/roles`, { body: { roles: [] } });
      expect(revoked.body.roles).toEqual([]);
      expect((await api('GET', `${USERS}?role=admin&q=${person.username}`)).body.items).toEqual([]);
    });

    it('pages through a search: usernames first, then email addresses, then names, each page after the last', async () => {
      const prefix = randomName('pg').toLowerCase();
      const byUsername = await Promise.all(['a', 'b', 'c'].map((s) => newPerson({ username: `${prefix}${s}`, email: null, name: null })));
      const byEmail = await newPerson({ email: `${prefix}-mail@example.com`, name: null });
      const byName = await newPerson({ name: `${prefix.toUpperCase()} Person` });
      await newPerson({ name: `Not ${prefix}` });

      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const query: string = `?q=${prefix.toUpperCase()}&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
        const res = await api('GET', `${USERS}${query}`);
        expect(res.status).toBe(200);
        const items = res.body.items as AdminUser[];
        expect(items.length).toBeLessThanOrEqual(2);
        seen.push(...items.map((u) => u.id));
        cursor = res.body.next_cursor as string | null;
        pages++;
      } while (cursor && pages < 10);
      expect(seen).toEqual([...byUsername.map((u) => u.id), byEmail.id, byName.id]);
      expect(pages).toBe(3);
    });

    it('lists disabled or enabled people only, and refuses a query it cannot read', async () => {
      const prefix = randomName('flt').toLowerCase();
      const [on, off] = await Promise.all([newPerson({ username: `${prefix}on` }), newPerson({ username: `${prefix}off` })]);
      expect((await api('POST', `${USERS}/${off.id}/disable`)).status).toBe(200);
      const ids = async (query: string) => ((await api('GET', `${USERS}?q=${prefix}&${query}`)).body.items as AdminUser[]).map((u) => u.id);
      expect(await ids('disabled=true')).toEqual([off.id]);
      expect(await ids('disabled=false')).toEqual([on.id]);

      const bad = await api('GET', `${USERS}?limit=0&disabled=maybe&cursor=nonsense&sort=name`);
      expect(bad.status).toBe(400);
      expect((bad.body.fields as { path: string }[]).map((f) => f.path).sort()).toEqual(['disabled', 'limit', 'sort']);
      const badCursor = await api('GET', `${USERS}?cursor=nonsense`);
      expect(badCursor.status).toBe(400);
      expect(badCursor.body.fields).toEqual([{ path: 'cursor', message: 'the cursor does not belong to this list' }]);
    });

    it.each<[string, string, string, unknown, { path: string; message: RegExp }[]]>([
      ['no username and no password', 'POST', '', {}, [{ path: 'username', message: /required/ }, { path: 'password', message: /password or generate/ }]],
      ['a common password', 'POST', '', { username: 'fresh-name-1', password: 'password1234' }, [{ path: 'password', message: /most common passwords/ }]],
      ['a short password', 'POST', '', { username: 'fresh-name-2', password: 'Sh0rt!' }, [{ path: 'password', message: /at least 12 characters/ }]],
      ['the username as password', 'POST', '', { username: 'Fresh-Name-3', password: 'fresh-name-3' }, [{ path: 'password', message: /may not be the username/ }]],
      ['a password and generate', 'POST', '', { username: 'fresh-name-4', password: 'Corr3ct-Horse-Battery', generate: true }, [{ path: 'password', message: /not both/ }]],
      ['bad profile values', 'POST', '', { username: 'a b', password: 'Corr3ct-Horse-Battery', email: 'nope', picture: 'http://pictures.example/x.png', locale: 'not a locale', zoneinfo: '+01:00' },
        [{ path: 'username', message: /may not contain/ }, { path: 'email', message: /not valid/ }, { path: 'picture', message: /https URL/ }, { path: 'locale', message: /BCP 47/ }, { path: 'zoneinfo', message: /IANA/ }]],
      ['unknown fields and wrong types', 'POST', '', { username: 'fresh-name-5', password: 'Corr3ct-Horse-Battery', nickname: 'x', name: 42, email_verified: 'yes', roles: 'admin' },
        [{ path: 'nickname', message: /unknown field/ }, { path: 'name', message: /string/ }, { path: 'email_verified', message: /boolean/ }, { path: 'roles', message: /array/ }]],
      ['a body that is not an object', 'POST', '', ['username'], [{ path: '', message: /JSON object/ }]],
      ['an empty change', 'PATCH', '/:id', {}, [{ path: '', message: /names none of the fields/ }]],
      ['roles that are not a list', 'PUT', '/:id/roles', { roles: 'admin' }, [{ path: 'roles', message: /array/ }]],
      ['a reset without a password', 'POST', '/:id/password', {}, [{ path: 'password', message: /password or generate/ }]],
      ['a reset with generate: false', 'POST', '/:id/password', { generate: false }, [{ path: 'generate', message: /true/ }]],
    ])('refuses %s with 400 and the fields', async (_name, method, suffix, body, fields) => {
      const target = suffix ? (await newPerson()).id : '';
      const res = await api(method, `${USERS}${suffix.replace(':id', target)}`, { body });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ error: 'invalid_request', message: expect.any(String) });
      const got = res.body.fields as { path: string; message: string }[];
      expect(got.map((f) => f.path).sort()).toEqual(fields.map((f) => f.path).sort());
      for (const expected of fields) expect(got.find((f) => f.path === expected.path)!.message).toMatch(expected.message);
      expect(JSON.stringify(res.body)).not.toMatch(/password1234|Corr3ct-Horse-Battery/);
    });

    it('answers a taken username or email with 409, an unknown user with 404, and odd requests in the same JSON shape', async () => {
      const person = await newPerson();
      expect((await api('POST', USERS, { body: { username: person.username.toUpperCase(), password: 'Corr3ct-Horse-Battery' } })).status).toBe(409);
      const other = await newPerson();
      const taken = await api('PATCH', `${USERS}/${other.id}`, { body: { email: person.email.toUpperCase() } });
      expect(taken).toMatchObject({ status: 409, body: { error: 'conflict' } });

      for (const [method, suffix] of [['GET', ''], ['PATCH', ''], ['PUT', '/roles'], ['POST', '/disable'], ['POST', '/enable'], ['POST', '/password'], ['POST', '/unlock']]) {
        const body = method === 'PATCH' ? { name: 'x' } : suffix === '/roles' ? { roles: [] } : suffix === '/password' ? { generate: true } : undefined;
        const res = await api(method, `${USERS}/00000000-0000-4000-8000-000000000000${suffix}`, { body });
        expect([method, suffix, res.status, res.body.error]).toEqual([method, suffix, 404, 'not_found']);
      }
      expect(await api('DELETE', `${USERS}/${person.id}`)).toMatchObject({ status: 404, body: { error: 'not_found' } });
      expect(await api('GET', '/nothing-here')).toMatchObject({ status: 404, body: { error: 'not_found' } });
      expect(await api('POST', USERS, { rawBody: '{"username":' })).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
      expect(await api('POST', USERS, { rawBody: JSON.stringify({ username: 'x'.repeat(70_000) }) })).toMatchObject({ status: 413, body: { error: 'too_large' } });
      const form = await fetch(`${provider.loginUiUrl}${ADMIN_API_PREFIX}${USERS}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: 'username=formed&password=Corr3ct-Horse-Battery',
      });
      expect(form.status).toBe(400);
      expect(await form.json()).toMatchObject({ error: 'invalid_request', message: expect.stringMatching(/JSON/) });
    });
  });

  describe('disable and enable', () => {
    it('revokes what a disabled person holds (refresh token, access token in the status list, SSO session), refuses their password, and lets them back in when enabled', async () => {
      const person = await newPerson();
      const theirBrowser = browser();
      const { tokens } = await codeFlow(theirBrowser, partner, person);
      const accessTokens = createVerifier({ issuer: provider.issuer, audience: partner.clientId, statusList: { mode: 'strict' } });
      verifiers.push(accessTokens);
      await accessTokens.verifyAccessToken(tokens.access_token);

      const disabled = await api('POST', `${USERS}/${person.id}/disable`);
      expect(disabled.status).toBe(200);
      expect(disabled.body.disabled).toBe(true);

      await expect(oidc.refreshTokenGrant(partner.config, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
      let refusal: unknown;
      await waitUntil('the status list to mark the access token', () => isRpError(refusal, 'ERR_TOKEN_REVOKED'), {
        meanwhile: async () => { refusal = await accessTokens.verifyAccessToken(tokens.access_token).then(() => undefined, (err: unknown) => err); },
      });
      // The SSO session is gone: the same browser sees the password form, and the right password is refused.
      const back = await signIn(theirBrowser, (await authRequest(partner)).url, undefined);
      expect(back.sawLoginForm).toBe(true);
      expect(await canSignIn(person.username, person.password)).toBe(false);

      // Repeating it is safe (what the 503 asks for, had the token service been away).
      expect((await api('POST', `${USERS}/${person.id}/disable`)).status).toBe(200);

      const enabled = await api('POST', `${USERS}/${person.id}/enable`);
      expect(enabled).toMatchObject({ status: 200, body: { disabled: false } });
      expect(await canSignIn(person.username, person.password)).toBe(true);
    });

    it('answers 503 and keeps the account disabled when the token service cannot revoke, and completes on a retry', async () => {
      const person = await newPerson();
      // A console token without a status entry: with the issuer away, the status list of a real one
      // could not be checked either, and the guard would answer 503 before the route ran.
      const token = await mint();
      expect((await api('GET', `${USERS}/${person.id}`, { token })).status).toBe(200);
      const res = await whileTokenServiceIsDown(() => api('POST', `${USERS}/${person.id}/disable`, { token }));
      expect(res).toMatchObject({ status: 503, body: { error: 'unavailable', message: expect.stringMatching(/disabled, but .* could not be revoked yet: repeat/) } });
      expect(res.headers.get('retry-after')).toBe('5');
      expect((await api('GET', `${USERS}/${person.id}`)).body.disabled).toBe(true);
      expect(await canSignIn(person.username, person.password)).toBe(false);
      expect((await api('POST', `${USERS}/${person.id}/disable`)).status).toBe(200);
    });

    it('does not let an administrator disable themselves or drop their own admin role', async () => {
      const person = await newPerson({ roles: ['admin'] });
      const theirToken = (await personTokens(provider, await consoleLikeClient(provider, adminToken), person)).access_token;
      expect(await api('POST', `${USERS}/${person.id}/disable`, { token: theirToken })).toMatchObject({ status: 409, body: { error: 'conflict' } });
      expect(await api('PUT', `${USERS}/${person.id}/roles`, { token: theirToken, body: { roles: [] } })).toMatchObject({ status: 409, body: { error: 'conflict' } });
      expect((await api('GET', `${USERS}/${person.id}`)).body).toMatchObject({ disabled: false, roles: ['admin'] });
    });
  });

  describe('taking the admin role away', () => {
    const scope = `openid ${ADMIN_SCOPE}`;
    const atAdminApi = async (token: string) => (await adminCall(provider.internalUrl, 'GET', '/clients?limit=1', { authorization: `Bearer ${token}` })).status;

    it('ends what the person holds: their admin token is refused at once by the admin API and soon by the users API, and the next sign-in carries no role', async () => {
      const person = await newPerson({ roles: ['admin'] });
      const consoleClient = await consoleLikeClient(provider, adminToken);
      const theirBrowser = browser();
      const { tokens } = await codeFlow(theirBrowser, consoleClient, person, { scope });
      expect(await atAdminApi(tokens.access_token)).toBe(200);
      expect((await api('GET', `${USERS}?limit=1`, { token: tokens.access_token })).status).toBe(200);

      const demoted = await api('PUT', `${USERS}/${person.id}/roles`, { body: { roles: [] } });
      expect(demoted).toMatchObject({ status: 200, body: { roles: [] } });

      expect(await atAdminApi(tokens.access_token)).toBe(401);
      let status = 0;
      await waitUntil('the users API to refuse the token (status list)', () => status === 401, {
        meanwhile: async () => { status = (await api('GET', `${USERS}?limit=1`, { token: tokens.access_token })).status; },
      });
      // The SSO session that would have handed out the old roles again is gone: the password is asked for.
      expect((await signIn(theirBrowser, (await authRequest(consoleClient, { scope })).url, undefined)).sawLoginForm).toBe(true);
      const { tokens: fresh } = await codeFlow(theirBrowser, consoleClient, person, { scope });
      expect(await atAdminApi(fresh.access_token)).toBe(403);
      expect((await api('GET', `${USERS}?limit=1`, { token: fresh.access_token })).status).toBe(403);
    });

    it('leaves the sessions of a person who held no admin role alone', async () => {
      const person = await newPerson();
      const { tokens } = await codeFlow(browser(), partner, person);
      expect((await api('PUT', `${USERS}/${person.id}/roles`, { body: { roles: [] } })).status).toBe(200);
      await expect(oidc.refreshTokenGrant(partner.config, tokens.refresh_token!)).resolves.toHaveProperty('access_token');
    });

    it('keeps the role and answers 503 when the token service cannot revoke, and completes on a retry', async () => {
      const person = await newPerson({ roles: ['admin'] });
      // A console token without a status entry, as in the disable case: the guard needs no status list.
      const token = await mint();
      expect((await api('GET', `${USERS}/${person.id}`, { token })).status).toBe(200);
      const res = await whileTokenServiceIsDown(() => api('PUT', `${USERS}/${person.id}/roles`, { token, body: { roles: [] } }));
      expect(res).toMatchObject({ status: 503, body: { error: 'unavailable', message: expect.stringMatching(/^the admin role was kept: .* repeat the request$/) } });
      expect(res.headers.get('retry-after')).toBe('5');
      expect((await api('GET', `${USERS}/${person.id}`)).body.roles).toEqual(['admin']);
      expect(await api('PUT', `${USERS}/${person.id}/roles`, { body: { roles: [] } })).toMatchObject({ status: 200, body: { roles: [] } });
    });
  });

  describe('passwords and lockout', () => {
    it('resets a password without the old one: the old one stops working, the new one works', async () => {
      const person = await newPerson();
      const newPassword = `N3w-Horse-${randomBytes(6).toString('hex')}`;
      const res = await api('POST', `${USERS}/${person.id}/password`, { body: { password: newPassword } });
      expect(res.status).toBe(200);
      expect(res.body).not.toHaveProperty('generated_password');
      expect(JSON.stringify(res.body)).not.toContain(newPassword);
      expect(await canSignIn(person.username, person.password)).toBe(false);
      expect(await canSignIn(person.username, newPassword)).toBe(true);

      const weak = await api('POST', `${USERS}/${person.id}/password`, { body: { password: person.username.toUpperCase() } });
      expect(weak).toMatchObject({ status: 400, body: { fields: [{ path: 'password', message: 'the password may not be the username' }] } });
    });

    it('generates a password, shows it once, and it signs the person in', async () => {
      const person = await newPerson();
      const res = await api('POST', `${USERS}/${person.id}/password`, { body: { generate: true } });
      expect(res.status).toBe(200);
      const generated = res.body.generated_password as string;
      expect(generated).toMatch(/^[A-Za-z0-9_-]{24,}$/);
      expect(JSON.stringify((await api('GET', `${USERS}/${person.id}`)).body)).not.toContain(generated);
      expect(await canSignIn(person.username, generated)).toBe(true);

      const created = await createUser({ username: randomName('gen'), generate: true });
      expect(created.generated_password).toMatch(/^[A-Za-z0-9_-]{24,}$/);
      expect(await canSignIn(created.username, created.generated_password!)).toBe(true);
    });

    it('unlocks an account that the lockout made wait', async () => {
      const person = await newPerson();
      for (let i = 0; i < LOCKOUT_MAX_FAILURES; i++) expect(await canSignIn(person.username, `Wrong-Horse-${i}-battery`)).toBe(false);
      // Locked: even the right password is refused.
      expect(await canSignIn(person.username, person.password)).toBe(false);
      const locked = (await api('GET', `${USERS}/${person.id}`)).body;
      expect(locked.failed_sign_ins).toBeGreaterThanOrEqual(LOCKOUT_MAX_FAILURES);
      expect(locked.locked_until as number).toBeGreaterThan(Date.now());

      const unlocked = await api('POST', `${USERS}/${person.id}/unlock`);
      expect(unlocked).toMatchObject({ status: 200, body: { failed_sign_ins: 0, locked_until: null } });
      expect(await canSignIn(person.username, person.password)).toBe(true);
    });
  });

  it('leaves an audit event for every change, naming the service client as the actor and never a password', async () => {
    const person = await newPerson();
    const password = `Audit-Horse-${randomBytes(6).toString('hex')}`;
    await api('PATCH', `${USERS}/${person.id}`, { body: { name: 'Audited' } });
    await api('PUT', `${USERS}/${person.id}/roles`, { body: { roles: ['admin'] } });
    await api('POST', `${USERS}/${person.id}/password`, { body: { password } });
    await api('POST', `${USERS}/${person.id}/unlock`);
    await api('POST', `${USERS}/${person.id}/disable`);
    await api('POST', `${USERS}/${person.id}/enable`);
    await provider.loginUiApp.get(AuditTrail).flush();
    const log = provider.tokenServiceApp.get(AuditLog);
    let events: AuditEvent[] = [];
    await waitUntil('the directory events in the audit trail', () => events.filter((e) => e.type.startsWith('user.')).length >= 7, {
      meanwhile: async () => {
        await log.flush();
        events = (await log.query({ subject: person.id }, { limit: 50 })).items;
      },
    });
    const mine = events.filter((e) => e.type.startsWith('user.'));
    expect(mine.map((e) => e.type).sort()).toEqual([
      'user.created', 'user.updated', 'user.roles_changed', 'user.password_reset', 'user.unlocked', 'user.disabled', 'user.enabled',
    ].sort());
    for (const event of mine) expect(event.actor).toBe(`client:${robotClientId}`);
    expect(mine.find((e) => e.type === 'user.updated')!.details).toMatchObject({ fields: 'name' });
    expect(mine.find((e) => e.type === 'user.roles_changed')!.details).toMatchObject({ roles: 'admin' });
    expect(JSON.stringify(events)).not.toContain(password);
    expect(JSON.stringify(events)).not.toContain(person.password);
  });
});
