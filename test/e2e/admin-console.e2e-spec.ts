/**
 * The admin console (issue 7), part 1, over real HTTP: an administrator signs in through Tessera's
 * own flow (the console is the first-party client `tessera-console`), and every page of the shell,
 * the dashboard, keys, audit log, registration tokens and the token inspector works through the
 * admin API with that person's token. The browser is the cookie-keeping one of the other suites,
 * which submits the real forms with their CSRF tokens.
 */
import { ADMIN_ROLE } from '@tessera/contracts';
import { AuditLog } from '../../apps/token-service/src/audit/audit-log';
import { Browser, Page } from './browser';
import { adminApi, adminCall, cliAdminClient, createPerson, serviceToken } from './admin-api';
import { Provider, RegisteredClient, startProvider } from './harness';
import { codeFlow, hasPasswordForm, postForm, signIn } from './sign-in';

describe('admin console', () => {
  let provider: Provider;
  let admin: Awaited<ReturnType<typeof createPerson>>;
  let person: Awaited<ReturnType<typeof createPerson>>;
  /** A browser in which `admin` is signed in to the console. */
  let console_: Browser;

  const url = (path: string) => `${provider.loginUiUrl}${path}`;
  const text = (page: Page) => page.document().text.replace(/\s+/g, ' ');
  const flash = (page: Page) => page.document().querySelector('[role="status"]')?.text.trim() ?? '';
  /** The rows of the page's first data table, as the text of their cells. */
  const rows = (page: Page) => page.document().querySelectorAll('table.data tbody tr').map((tr) => tr.querySelectorAll('td').map((td) => td.text.replace(/\s+/g, ' ').trim()));
  /** A form submitted as a forger would: the person's cookies, but not the page's CSRF token. */
  const forged = (browser: Browser, page: Page, form: string | undefined, fields: Record<string, string>, button: string) =>
    browser.submit(page, form, { ...fields, _csrf: 'forged-by-another-site' }, button);

  /** Opens `path` in a fresh browser and signs in as `who` when Tessera asks. */
  async function signInTo(path: string, who: { username: string; password: string }): Promise<{ browser: Browser; page: Page }> {
    const browser = new Browser(provider.origins);
    const { page } = await signIn(browser, new URL(url(path)), who);
    return { browser, page };
  }

  beforeAll(async () => {
    provider = await startProvider();
    admin = await createPerson(provider, [ADMIN_ROLE]);
    person = await createPerson(provider, []);
    ({ browser: console_ } = await signInTo('/admin', admin));
  });

  afterAll(async () => {
    await provider?.close();
  });

  describe('signing in and out', () => {
    it('sends a visitor through Tessera\'s sign-in and back to the page asked for', async () => {
      const { browser, page } = await signInTo('/admin/keys?x=1', admin);
      expect(page.url).toBe(url('/admin/keys?x=1'));
      expect(page.visited.some((v) => v.startsWith(url('/admin/callback?')))).toBe(true);
      const cookie = browser.cookiesFor(url('/admin')).find((c) => c.name === 'tessera_console');
      expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'lax' });
      // The session cookie is not sent outside the console.
      expect(browser.cookiesFor(url('/login')).map((c) => c.name)).not.toContain('tessera_console');
    });

    it('shows the dashboard with the administrator and the navigation', async () => {
      const page = await console_.get(url('/admin'));
      expect(page.status).toBe(200);
      expect(text(page)).toContain(`Signed in as ${admin.name}`);
      const nav = page.document().querySelectorAll('nav.console-nav a').map((a) => a.text.trim());
      expect(nav).toEqual(['Dashboard', 'Clients', 'Users', 'Sessions', 'Keys', 'Audit log', 'Access tokens for registration', 'Token inspector']);
      expect(page.document().querySelector('a[aria-current="page"]')?.text).toBe('Dashboard');
      expect(page.document().querySelector('a.skip-link')?.getAttribute('href')).toBe('#content');
    });

    it('answers 403 to a person without the admin role, with a way to sign out', async () => {
      const { page } = await signInTo('/admin', person);
      expect(page.status).toBe(403);
      expect(text(page)).toContain('does not hold the admin role');
      expect(page.document().querySelectorAll('nav.console-nav a')).toHaveLength(0);
      expect(page.document().querySelector('a[href="/admin/logout"]')).not.toBeNull();
    });

    it('refuses a sign-out without the form\'s CSRF token', async () => {
      const { browser } = await signInTo('/admin', admin);
      const page = await forged(browser, await browser.get(url('/admin/logout')), 'main form', {}, 'Sign out');
      expect(page.status).toBe(403);
      expect(text(page)).toContain('This form has expired');
      expect((await browser.get(url('/admin'))).status).toBe(200);
    });

    it('signs out through Tessera, which ends the SSO session too', async () => {
      const { browser } = await signInTo('/admin', admin);
      const confirm = await browser.get(url('/admin/logout'));
      expect(confirm.status).toBe(200);
      let page = await browser.submit(confirm, 'main form', {}, 'Sign out');
      // Tessera's own logout confirmation (RP-initiated logout), then back to the console.
      if (page.url.startsWith(url('/logout'))) page = await browser.submit(page, undefined, {}, 'Sign out');
      expect(page.url).toBe(url('/admin/signed-out'));
      expect(text(page)).toContain('You are signed out');
      const again = await browser.get(url('/admin'));
      expect(hasPasswordForm(again)).toBe(true);
    });
  });

  describe('pages an administrator without the role cannot see', () => {
    it.each(['/admin', '/admin/keys', '/admin/audit', '/admin/registration-tokens', '/admin/inspect'])('%s answers 403', async (path) => {
      const { browser } = await signInTo('/admin', person);
      const page = await browser.get(url(path));
      expect(page.status).toBe(403);
      expect(text(page)).toContain('Administrators only');
      expect(page.body).not.toContain('<table');
    });
  });

  describe('dashboard', () => {
    it('shows the counts, the sign-ins of the last 24 hours, the key schedule and recent events', async () => {
      await waitForAudit({ type: 'sign_in.succeeded', subject: admin.sub });
      const page = await console_.get(url('/admin'));
      expect(page.status).toBe(200);
      const counts = Object.fromEntries(page.document().querySelectorAll('.stats li').map((li) => [li.querySelector('.stat-label')!.text, li.querySelector('.stat-value')!.text]));
      // Every provider has at least the console's own client, two people and an active key.
      // A shared database may hold more than the cap: "1000+".
      expect(parseInt(counts.Clients, 10)).toBeGreaterThanOrEqual(1);
      expect(parseInt(counts.Users, 10)).toBeGreaterThanOrEqual(2);
      expect(parseInt(counts['Active sessions'], 10)).toBeGreaterThanOrEqual(1);
      expect(counts['Keys active']).toBe('1');
      const chart = page.document().querySelector('svg.chart')!;
      expect(chart.querySelectorAll('g')).toHaveLength(24);
      expect(Number(/(\d+) succeeded/.exec(text(page))![1])).toBeGreaterThanOrEqual(1);
      expect(chart.querySelectorAll('rect.bar-ok').length).toBeGreaterThanOrEqual(1);
      expect(text(page)).toMatch(/its successor is published|stops signing|starts signing/);
      expect(rows(page).some((cells) => cells[1].startsWith('sign_in.succeeded'))).toBe(true);
    });
  });

  it('serves the dashboard\'s figures as an admin API route, to admin tokens only', async () => {
    const robot = await cliAdminClient(provider);
    const api = adminApi(provider, await serviceToken(provider, robot));
    const stats = await api('GET', '/stats');
    expect(stats.status).toBe(200);
    expect(stats.headers.get('cache-control')).toBe('no-store');
    expect(stats.json).toMatchObject({ count_cap: 1000, at: expect.any(Number) });
    expect(stats.json.clients).toBeGreaterThanOrEqual(2);
    expect(stats.json.sign_ins).toHaveLength(24);
    expect((await api('GET', '/stats?limit=5')).status).toBe(400);
    expect((await adminCall(provider.internalUrl, 'GET', '/stats')).status).toBe(401);
    expect((await adminCall(provider.issuer, 'GET', '/stats', { authorization: `Bearer ${await serviceToken(provider, robot)}` })).status).toBe(404);
  });

  describe('keys', () => {
    it('lists the keys, the rotation timeline and the JWKS exactly as published', async () => {
      const page = await console_.get(url('/admin/keys'));
      expect(page.status).toBe(200);
      const published = await (await fetch(`${provider.issuer}/.well-known/jwks.json`)).json() as { keys: { kid: string }[] };
      const active = rows(page).find((cells) => cells[1] === 'active')!;
      expect(published.keys.map((k) => k.kid)).toContain(active[0]);
      expect(JSON.parse(page.document().querySelector('pre.code')!.text)).toEqual(published);
      expect(page.document().querySelectorAll('ul.timeline li.past').length).toBeGreaterThanOrEqual(2);
      expect(page.document().querySelectorAll('ul.timeline li.future').length).toBeGreaterThanOrEqual(1);
    });

    it('publishes the next key, rotates now, and revokes a key after a confirmation', async () => {
      let page = await console_.submit(await console_.get(url('/admin/keys')), undefined, {}, 'Publish the next key');
      expect(page.url).toBe(url('/admin/keys'));
      const next = /Key (\S+) is published; it starts signing at/.exec(flash(page))![1];
      expect(rows(page).find((cells) => cells[0] === next)?.[1]).toBe('next');
      expect(page.document().querySelector('pre.code')!.text).toContain(next);

      page = await console_.submit(page, undefined, {}, 'Rotate now');
      expect(flash(page)).toMatch(/^Key \S+ signs from now on\.$/);
      const activeNow = rows(page).find((cells) => cells[1] === 'active')![0];

      // The emergency revocation needs its second button: the first only opens the question.
      const confirm = page.document().querySelectorAll('details.confirm form').find((f) => f.getAttribute('action') === `/admin/keys/${activeNow}/revoke`);
      expect(confirm?.querySelector('button')?.text).toBe(`Revoke key ${activeNow}`);
      page = await console_.submit(page, `form[action="/admin/keys/${activeNow}/revoke"]`, {}, `Revoke key ${activeNow}`);
      expect(flash(page)).toContain(`Key ${activeNow} is revoked`);
      expect(rows(page).find((cells) => cells[0] === activeNow)?.[1]).toBe('revoked');
      const published = await (await fetch(`${provider.issuer}/.well-known/jwks.json`)).json() as { keys: { kid: string }[] };
      expect(published.keys.map((k) => k.kid)).not.toContain(activeNow);
      expect((await auditOf({ type: 'key.revoked' })).some((e) => e.actor === admin.sub)).toBe(true);
    });

    it('refuses a rotation and a revocation without the form\'s CSRF token', async () => {
      const page = await console_.get(url('/admin/keys'));
      const before = rows(page).map((cells) => `${cells[0]}:${cells[1]}`);
      expect((await forged(console_, page, undefined, {}, 'Publish the next key')).status).toBe(403);
      const active = rows(page).find((cells) => cells[1] === 'active')![0];
      const refused = await forged(console_, page, `form[action="/admin/keys/${active}/revoke"]`, {}, `Revoke key ${active}`);
      expect(refused.status).toBe(403);
      expect(text(refused)).toContain('This form has expired');
      expect(rows(await console_.get(url('/admin/keys'))).map((cells) => `${cells[0]}:${cells[1]}`)).toEqual(before);
    });
  });

  describe('audit log', () => {
    it('filters by type and subject and links each subject to its own events', async () => {
      await waitForAudit({ type: 'sign_in.succeeded', subject: person.sub });
      const page = await console_.get(url(`/admin/audit?type=sign_in.succeeded&subject=${person.sub}`));
      expect(page.status).toBe(200);
      const found = rows(page);
      expect(found.length).toBeGreaterThanOrEqual(1);
      expect(found.every((cells) => cells[1].startsWith('sign_in.succeeded') && cells[3] === person.sub)).toBe(true);
      expect(page.document().querySelector('select#type option[selected]')?.getAttribute('value')).toBe('sign_in.succeeded');
      expect(page.document().querySelector(`a[href="/admin/audit?subject=${person.sub}"]`)).not.toBeNull();
    });

    it('filters by a time range in UTC, and says when nothing matches', async () => {
      const page = await console_.get(url('/admin/audit?since=2001-01-01T00:00&until=2001-01-02T00:00'));
      expect(page.status).toBe(200);
      expect(rows(page)).toEqual([]);
      expect(text(page)).toContain('No events match these filters.');
    });

    it('names a refused filter next to its field', async () => {
      const page = await console_.get(url('/admin/audit?since=yesterday&type=sign_in.maybe'));
      expect(page.status).toBe(400);
      expect(page.document().querySelector('#since-error')?.text).toContain('YYYY-MM-DDTHH:MM');
      expect(page.document().querySelector('#type-error')).not.toBeNull();
      expect(page.document().querySelector('input#since')?.getAttribute('value')).toBe('yesterday');
    });
  });

  describe('access tokens for registration', () => {
    it('creates a token shown once, which registers a client, and revokes it after a confirmation', async () => {
      let page = await console_.get(url('/admin/registration-tokens'));
      page = await console_.submit(page, 'form[action="/admin/registration-tokens"]', { valid_hours: '2', max_uses: '2' }, 'Create token');
      expect(page.status).toBe(200);
      expect(page.url).toBe(url('/admin/registration-tokens'));
      const token = page.document().querySelector('#new-token')!.text;
      const id = page.document().querySelector('dl.facts dd code')!.text;
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(text(page)).toContain('shown only this once');

      expect((await register(token)).status).toBe(201);
      const list = await console_.get(url('/admin/registration-tokens'));
      expect(list.body).not.toContain(token);
      expect(rows(list).find((cells) => cells[0] === id)?.slice(1, 3)).toEqual(['active', '1 of 2']);

      page = await console_.submit(list, `form[action="/admin/registration-tokens/${id}/revoke"]`, {}, `Revoke token ${id}`);
      expect(flash(page)).toContain(`Token ${id} is revoked`);
      expect(rows(page).find((cells) => cells[0] === id)?.[1]).toBe('revoked');
      expect((await register(token)).status).toBe(401);
    });

    it('explains a refused value next to its field', async () => {
      const page = await console_.submit(await console_.get(url('/admin/registration-tokens')), 'form[action="/admin/registration-tokens"]', { valid_hours: '0', max_uses: '5000' }, 'Create token');
      expect(page.status).toBe(400);
      expect(page.document().querySelector('#valid_hours-error')?.text).toContain('1 to 720');
      expect(page.document().querySelector('#max_uses-error')?.text).toContain('1 to 1000');
      expect(page.document().querySelector('#new-token')).toBeNull();
    });

    it('refuses to create or revoke without the form\'s CSRF token', async () => {
      const before = rows(await console_.get(url('/admin/registration-tokens'))).length;
      const page = await console_.get(url('/admin/registration-tokens'));
      const refused = await forged(console_, page, 'form[action="/admin/registration-tokens"]', { valid_hours: '1', max_uses: '1' }, 'Create token');
      expect(refused.status).toBe(403);
      expect(refused.document().querySelector('#new-token')).toBeNull();
      // An active one to try to revoke.
      const made = await console_.submit(page, 'form[action="/admin/registration-tokens"]', { valid_hours: '1', max_uses: '1' }, 'Create token');
      const id = made.document().querySelector('dl.facts dd code')!.text;
      const list = await console_.get(url('/admin/registration-tokens'));
      expect(rows(list)).toHaveLength(before + 1);
      expect((await forged(console_, list, `form[action="/admin/registration-tokens/${id}/revoke"]`, {}, `Revoke token ${id}`)).status).toBe(403);
      expect(rows(await console_.get(url('/admin/registration-tokens'))).find((cells) => cells[0] === id)?.[1]).toBe('active');
    });
  });

  describe('token inspector', () => {
    let partner: RegisteredClient;
    let tokens: { access_token: string; id_token?: string };

    beforeAll(async () => {
      partner = await provider.registerClient({ redirect_uris: ['https://partner.example/callback'] });
      ({ tokens } = await codeFlow(new Browser(provider.origins), partner, { ...person, email: person.email, name: person.name }));
    });

    const inspect = async (token: string) => {
      const page = await console_.submit(await console_.get(url('/admin/inspect')), 'main form', { token }, 'Inspect');
      // The token is never written back into the page (nor in a URL: the form posts).
      expect(page.body).not.toContain(token.trim());
      expect(page.url).toBe(url('/admin/inspect'));
      const facts = Object.fromEntries(page.document().querySelectorAll('dl.facts dt').map((dt) => [dt.text.trim(), (dt.nextElementSibling?.text ?? '').replace(/\s+/g, ' ').trim()]));
      return { page, facts };
    };

    it('shows a valid access token: claims, the key that signed it, expiry, not revoked', async () => {
      const { page, facts } = await inspect(tokens.access_token);
      expect(page.status).toBe(200);
      const kid = JSON.parse(Buffer.from(tokens.access_token.split('.')[0], 'base64url').toString()).kid as string;
      expect(text(page)).toContain('Result: access token');
      expect(facts.Signature).toBe(`verified with the published key ${kid}`);
      expect(facts.Issuer).toContain('this issuer');
      expect(facts.Expiry).toMatch(/^valid Valid for another/);
      expect(facts.Revocation).toMatch(/^active Not revoked/);
      const claims = JSON.parse(page.document().querySelectorAll('pre.code')[1].text) as Record<string, unknown>;
      expect(claims).toMatchObject({ sub: person.sub, client_id: partner.clientId, iss: provider.issuer });
    });

    it('says an ID token has no revocation status', async () => {
      const { facts } = await inspect(tokens.id_token!);
      expect(facts.Signature).toMatch(/^verified/);
      expect(facts.Revocation).toMatch(/^not-applicable Not applicable: only access tokens are revoked \(this is an ID token\)/);
    });

    it('refuses a forged token: the signature does not verify', async () => {
      const [header, payload, signature] = tokens.access_token.split('.');
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
      const forgedToken = [header, Buffer.from(JSON.stringify({ ...claims, sub: admin.sub, roles: ['admin'] })).toString('base64url'), signature].join('.');
      const { page, facts } = await inspect(forgedToken);
      expect(facts.Signature).toMatch(/^not verified The signature does not match the published key/);
      expect(facts.Revocation).toMatch(/^not-applicable Not checked/);
      // The claims are shown as text, escaped: whatever a forger put in them.
      expect(page.document().querySelectorAll('pre.code')[1].text).toContain(admin.sub);
    });

    it('shows a revoked access token as revoked', async () => {
      const { tokens: fresh } = await codeFlow(new Browser(provider.origins), partner, { ...person });
      const revoked = await postForm(`${provider.issuer}/oauth2/revoke`, { token: fresh.access_token }, { clientId: partner.clientId, clientSecret: partner.clientSecret! });
      expect(revoked.status).toBe(200);
      const { facts } = await inspect(fresh.access_token);
      expect(facts.Signature).toMatch(/^verified/);
      expect(facts.Revocation).toMatch(/^revoked Revoked/);
    });

    it('escapes what a token says and explains what is not a JWT', async () => {
      const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
      const hostile = `${b64({ alg: 'none', typ: '<script>alert(1)</script>' })}.${b64({ sub: '<img src=x onerror=alert(1)>' })}.`;
      const { page, facts } = await inspect(hostile);
      expect(page.body).not.toContain('<script>alert(1)');
      expect(page.body).not.toContain('<img src=x');
      expect(facts.Signature).toContain('Tessera signs with RS256 only');
      const opaque = await inspect('not-a-jwt-refresh-token');
      expect(opaque.page.status).toBe(400);
      expect(opaque.page.document().querySelector('#token-error')?.text).toContain('not a JWT');
    });

    it('refuses an inspection without the form\'s CSRF token', async () => {
      const page = await forged(console_, await console_.get(url('/admin/inspect')), 'main form', { token: tokens.access_token }, 'Inspect');
      expect(page.status).toBe(403);
      expect(page.body).not.toContain('Result:');
    });
  });

  /** Events of the audit trail, once both apps' queues are written. */
  async function auditOf(filter: { type: string; subject?: string }) {
    const log = provider.tokenServiceApp.get(AuditLog);
    await log.flush();
    return (await log.query({ types: [filter.type as never], ...(filter.subject ? { subject: filter.subject } : {}) }, { limit: 50 })).items;
  }

  /** The login UI sends its events in batches: wait until one has arrived. */
  async function waitForAudit(filter: { type: string; subject?: string }): Promise<void> {
    const deadline = Date.now() + 20_000;
    while ((await auditOf(filter)).length === 0) {
      if (Date.now() > deadline) throw new Error(`no ${filter.type} event arrived`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  function register(initialAccessToken: string) {
    return fetch(`${provider.issuer}/oauth2/register`, {
      method: 'POST',
      headers: { authorization: `Bearer ${initialAccessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ client_name: 'Registered from the console test', redirect_uris: ['https://partner.example/cb'] }),
    });
  }
});
