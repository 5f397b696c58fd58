/**
 * The admin console's clients, users and sessions pages (issue 7, part 2) over real HTTP, with the
 * cookie-keeping browser that submits the real forms: what an administrator sees after each action,
 * that a secret or a generated password is shown once and works, that the admin API's refusals land
 * next to the fields, and that every form refuses a request without its CSRF token.
 */
import { ADMIN_ROLE } from '@tessera/contracts';
import { parse } from 'node-html-parser';
import { Users } from '../../apps/login-ui/src/users/users.service';
import { createPerson } from './admin-api';
import { Browser, Page } from './browser';
import { Provider, randomName, startProvider, TestUser } from './harness';
import { codeFlow, postForm, signIn } from './sign-in';

describe('admin console: clients, users and sessions pages', () => {
  let provider: Provider;
  let admin: TestUser & { sub: string };
  let browser: Browser;

  const at = (path: string) => `${provider.loginUiUrl}/admin${path}`;
  const open = async (path: string) => {
    const page = await browser.get(at(path));
    if (page.status !== 200) throw new Error(`${path}: ${page.status}`);
    return page;
  };
  const h1 = (page: Page) => page.document().querySelector('h1')?.text.replace(/\s+/g, ' ').trim();
  const status = (page: Page) => page.document().querySelector('main [role="status"]')?.text.trim();
  const fieldError = (page: Page, field: string) => page.document().querySelector(`#${field}-error`)?.text.trim();
  const inputValue = (page: Page, id: string) => page.document().querySelector(`#${id}`)?.getAttribute('value');
  const cells = (page: Page, column: number) => page.document().querySelectorAll('table.data tbody tr').map((tr) => tr.querySelectorAll('td')[column]?.text.trim());
  /** Presses the named button of a destructive action's confirmation. */
  const confirm = (page: Page, button: string) => browser.submit(page, 'details.confirm form', {}, button);

  /** A person's session at a partner: a fresh browser signs in through the real pages. */
  const partnerSession = async (person: TestUser) => {
    const client = await provider.registerClient({ redirect_uris: ['https://partner.example/cb'] });
    await codeFlow(new Browser(provider.origins), client, person);
    return client;
  };

  beforeAll(async () => {
    provider = await startProvider({ LOCKOUT_MAX_FAILURES: '2' });
    admin = await createPerson(provider, [ADMIN_ROLE]);
    browser = new Browser(provider.origins);
    const { page } = await signIn(browser, new URL(at('')), admin);
    if (page.status !== 200) throw new Error(`signing in to the console failed: ${page.status}`);
  });

  afterAll(async () => {
    await provider?.close();
  });

  describe('clients', () => {
    it('creates a client, shows its secret once, and the secret works', async () => {
      const name = randomName('Service ');
      const created = await browser.submit(await open('/clients/new'), 'main form', {
        client_name: name, redirect_uris: '', grant_authorization_code: '', grant_client_credentials: 'on',
      }, 'Create client');
      expect(created.status).toBe(200);
      expect(h1(created)).toBe('Client created');
      const clientId = created.document().querySelector('#client-id')!.text.trim();
      const secret = inputValue(created, 'client-secret')!;
      const token = await postForm(`${provider.issuer}/oauth2/token`, { grant_type: 'client_credentials' }, { clientId, clientSecret: secret });
      expect(token.status).toBe(200);

      const client = await open(`/clients/${clientId}`);
      expect(h1(client)).toContain(name);
      expect(client.body).not.toContain(secret);

      // A new secret: shown once; the old one stops working.
      const rotated = await confirm(client, 'Issue a new secret');
      expect(h1(rotated)).toBe('New client secret');
      const newSecret = inputValue(rotated, 'client-secret')!;
      expect(newSecret).not.toBe(secret);
      expect((await postForm(`${provider.issuer}/oauth2/token`, { grant_type: 'client_credentials' }, { clientId, clientSecret: secret })).status).toBe(401);
      expect((await postForm(`${provider.issuer}/oauth2/token`, { grant_type: 'client_credentials' }, { clientId, clientSecret: newSecret })).status).toBe(200);

      // Deleted: gone from the list, and its page is a 404.
      const deleted = await confirm(await open(`/clients/${clientId}`), 'Delete this client');
      expect(deleted.url).toBe(at('/clients'));
      expect(status(deleted)).toContain('Client deleted');
      expect(cells(await open(`/clients?q=${encodeURIComponent(name)}`), 1)).toEqual([]);
      expect((await browser.get(at(`/clients/${clientId}`))).status).toBe(404);
    });

    it('shows the API\'s refusal next to the field and keeps what was typed', async () => {
      const page = await browser.submit(await open('/clients/new'), 'main form', {
        client_name: 'Shop', redirect_uris: 'https://shop.example/cb\nnot a uri', scope: 'openid',
      }, 'Create client');
      expect(page.status).toBe(400);
      expect(fieldError(page, 'redirect_uris')).toMatch(/redirect_uris/);
      expect(page.document().querySelector('#redirect_uris')?.getAttribute('aria-invalid')).toBe('true');
      expect(page.document().querySelector('#redirect_uris')?.hasAttribute('autofocus')).toBe(true);
      expect(page.document().querySelector('#redirect_uris')?.text).toBe('https://shop.example/cb\nnot a uri');
      expect(inputValue(page, 'client_name')).toBe('Shop');
      expect(page.document().querySelector('[role="alert"]')?.text).toContain('not saved');
    });

    it('edits a client: only what changed is saved, and the list finds it by name', async () => {
      const name = randomName('Shop ');
      const created = await browser.submit(await open('/clients/new'), 'main form', { client_name: name, redirect_uris: 'https://shop.example/cb' }, 'Create client');
      const clientId = created.document().querySelector('#client-id')!.text.trim();
      const edit = await open(`/clients/${clientId}/edit`);
      expect(edit.document().querySelector('#redirect_uris')?.text).toBe('https://shop.example/cb');
      expect(edit.document().querySelector('#token_endpoint_auth_method')).toBeNull();

      const unchanged = await browser.submit(edit, 'main form', {}, 'Save changes');
      expect(status(unchanged)).toBe('Nothing was changed.');
      const saved = await browser.submit(edit, 'main form', { redirect_uris: 'https://shop.example/cb\nhttps://shop.example/cb2', first_party: 'on' }, 'Save changes');
      expect(saved.url).toBe(at(`/clients/${clientId}`));
      expect(status(saved)).toBe('Changes saved.');
      expect(saved.document().querySelectorAll('dl.facts li code').map((c) => c.text)).toEqual(['https://shop.example/cb', 'https://shop.example/cb2']);
      expect(saved.body).toContain('first-party');

      expect(cells(await open(`/clients?q=${encodeURIComponent(name)}`), 1)).toEqual([clientId]);
      const none = await open('/clients?q=no-such-client-name-zz');
      expect(none.document().querySelector('.empty')?.text).toContain('No client');
    });
  });

  describe('users', () => {
    it('creates a person with a generated password, shown once, that signs them in', async () => {
      const username = randomName('gen');
      const page = await browser.submit(await open('/users/new'), 'main form', { username, name: 'Gene Rated', generate: 'on' }, 'Create user');
      expect(h1(page)).toBe('User created');
      const password = inputValue(page, 'generated-password')!;
      expect(password.length).toBeGreaterThanOrEqual(24);
      expect(await provider.loginUiApp.get(Users).verifyCredentials(username, password)).not.toBeNull();
    });

    it('shows the password policy, a taken username and a bad profile claim next to the fields', async () => {
      const weak = await browser.submit(await open('/users/new'), 'main form', { username: randomName('weak'), password: 'password' }, 'Create user');
      expect(weak.status).toBe(400);
      expect(fieldError(weak, 'password')).toMatch(/password/);
      expect(weak.document().querySelector('#password')?.getAttribute('value') ?? '').toBe('');

      const taken = await browser.submit(await open('/users/new'), 'main form', { username: admin.username, password: 'a-long-enough-passphrase' }, 'Create user');
      expect(taken.status).toBe(409);
      expect(taken.document().querySelector('[role="alert"]')?.text).toMatch(/taken|exists/i);

      const person = await createPerson(provider, []);
      const badPicture = await browser.submit(await open(`/users/${person.sub}`), 'form[action$="/profile"]', { picture: 'javascript:alert(1)' }, 'Save profile');
      expect(badPicture.status).toBe(400);
      expect(fieldError(badPicture, 'picture')).toBeTruthy();
      expect(inputValue(badPicture, 'picture')).toBe('javascript:alert(1)');
    });

    it('edits the profile, the admin role, and finds disabled accounts', async () => {
      const person = await createPerson(provider, []);
      const page = await open(`/users/${person.sub}`);
      const saved = await browser.submit(page, 'form[action$="/profile"]', { locale: 'en-GB', given_name: '' }, 'Save profile');
      expect(status(saved)).toBe('Profile saved.');
      expect(inputValue(saved, 'locale')).toBe('en-GB');

      const promoted = await browser.submit(saved, 'form[action$="/roles"]', { admin: 'on' }, 'Save roles');
      expect(status(promoted)).toBe('Roles saved.');
      expect(promoted.document().querySelector('#admin')?.hasAttribute('checked')).toBe(true);

      const ownPage = await open(`/users/${admin.sub}`);
      expect(ownPage.body).not.toContain('Disable account');
      const refused = await browser.submit(ownPage, 'form[action$="/roles"]', { admin: '' }, 'Save roles');
      expect(refused.document().querySelector('main [role="status"]')?.text).toMatch(/own account/);
      expect(refused.document().querySelector('#admin')?.hasAttribute('checked')).toBe(true);
    });

    it('disables a person, which ends their sessions, and enables them again', async () => {
      const person = await createPerson(provider, []);
      await partnerSession(person);
      expect(cells(await open(`/sessions?subject=${person.sub}`), 0)).toHaveLength(1);

      const disabled = await confirm(await open(`/users/${person.sub}`), 'Disable and end their sessions');
      expect(status(disabled)).toContain('Account disabled');
      expect(disabled.document().querySelector('.badge-revoked')?.text).toBe('disabled');
      expect(cells(await open(`/sessions?subject=${person.sub}`), 0)).toEqual([]);
      expect(cells(await open(`/users?q=${person.username}&disabled=true`), 0)).toEqual([person.username]);
      expect(cells(await open(`/users?q=${person.username}&disabled=false`), 0)).toEqual([]);

      const enabled = await browser.submit(disabled, 'form[action$="/enable"]', {}, 'Enable account');
      expect(status(enabled)).toContain('Account enabled');
      expect(await provider.loginUiApp.get(Users).verifyCredentials(person.username, person.password)).not.toBeNull();
    });

    it('offers Unlock only for a locked account, and resets a password to a generated one', async () => {
      const person = await createPerson(provider, []);
      const users = provider.loginUiApp.get(Users);
      expect((await open(`/users/${person.sub}`)).body).not.toContain('>Unlock<');
      await users.attemptSignIn(person.username, 'wrong-1');
      await users.attemptSignIn(person.username, 'wrong-2');
      const locked = await open(`/users/${person.sub}`);
      expect(locked.document().querySelector('.badge-expired')?.text).toBe('locked');
      const unlocked = await browser.submit(locked, 'form[action$="/unlock"]', {}, 'Unlock');
      expect(status(unlocked)).toBe('Account unlocked.');
      expect(unlocked.body).not.toContain('>Unlock<');

      const reset = await confirm(unlocked, 'Generate a new password');
      expect(h1(reset)).toBe('New password');
      const password = inputValue(reset, 'generated-password')!;
      expect(await users.verifyCredentials(person.username, password)).not.toBeNull();
      expect(await users.verifyCredentials(person.username, person.password)).toBeNull();
    });
  });

  describe('sessions', () => {
    it('lists a person\'s sessions with their clients, ends one, then all', async () => {
      const person = await createPerson(provider, []);
      const first = await partnerSession(person);
      const second = await partnerSession(person);
      const page = await open(`/sessions?subject=${person.sub}`);
      expect(h1(page)).toBe(`Sessions of ${person.username}`);
      expect(cells(page, 1).sort()).toEqual([first.clientId, second.clientId].sort());

      // Each row has its own confirmation: press the newest session's.
      const sessionId = page.document().querySelector('tbody tr')!.getAttribute('data-session')!;
      const ended = await browser.submit(page, `tr[data-session="${sessionId}"] details.confirm form`, {}, 'End this session');
      expect(ended.url).toBe(at(`/sessions?subject=${person.sub}`));
      expect(status(ended)).toContain('Session ended');
      expect(cells(ended, 0)).toHaveLength(1);
      const states = (await open(`/sessions?subject=${person.sub}&all=on`)).document().querySelectorAll('tbody .badge').map((badge) => badge.text);
      expect(states.sort()).toEqual(['active', 'ended']);

      const all = await confirm(ended, 'End every session');
      expect(status(all)).toMatch(/^Ended 1 session;/);
      expect(all.document().querySelector('.empty')?.text).toContain('No active sessions');
    });

    it('asks whose sessions to show before listing any', async () => {
      const page = await open('/sessions');
      expect(page.document().querySelector('.empty')?.text).toContain('Choose a user or a client');
      expect(page.document().querySelector('table')).toBeNull();
    });
  });

  describe('CSRF and access', () => {
    it.each<[string, string, Record<string, string>]>([
      ['create a client', '/clients', { client_name: 'Forged', redirect_uris: 'https://forged.example/cb', grant_authorization_code: 'on' }],
      ['create a user', '/users', { username: 'forged-user', password: 'a-long-enough-passphrase' }],
      ['give the admin role', '/users/{sub}/roles', { admin: 'on' }],
      ['disable a person', '/users/{sub}/disable', {}],
      ['reset a password', '/users/{sub}/password', {}],
      ['end every session of a person', '/sessions/revoke?subject={sub}', {}],
    ])('refuses to %s without the form\'s token', async (_action, path, fields) => {
      const person = await createPerson(provider, []);
      const target = at(path.replace('{sub}', person.sub));
      const page = await browser.submit(anotherSitesForm(target, { _csrf: 'forged-by-another-site', ...fields }), 'form', {}, 'Go');
      expect(page.status).toBe(403);
      expect(h1(page)).toBe('This form has expired');
      const account = await provider.loginUiApp.get(Users).findAccount(person.sub);
      expect(account).toMatchObject({ disabled: false, roles: [] });
      expect(await provider.loginUiApp.get(Users).verifyCredentials(person.username, person.password)).not.toBeNull();
    });

    it('answers 403 on every page to a person without the admin role', async () => {
      const person = await createPerson(provider, []);
      const other = new Browser(provider.origins);
      for (const path of ['/clients', '/users', `/users/${person.sub}`, `/sessions?subject=${person.sub}`]) {
        const { page } = await signIn(other, new URL(at(path)), person);
        expect([path, page.status]).toEqual([path, 403]);
      }
    });
  });
});

/**
 * A page of another site with a form that posts `fields` to `action`: the administrator's browser
 * sends its console cookies along (SameSite=Lax allows a top-level POST only from the same site, but
 * nothing else stops it), without the token of a console page.
 */
function anotherSitesForm(action: string, fields: Record<string, string>): Page {
  const inputs = Object.entries(fields).map(([name, value]) => `<input type="hidden" name="${name}" value="${value}">`).join('');
  const body = `<form method="post" action="${action}">${inputs}<button type="submit">Go</button></form>`;
  return { url: 'https://forger.example/', status: 200, headers: new Headers(), body, visited: [], document: () => parse(body) };
}
