/**
 * The admin console in a real browser (issue 7): the bootstrap administrator signs in, creates a
 * client and a person, that person signs in at the partner demo (which uses the client just made),
 * and the administrator sees the session and the audit events, revokes the session and rotates a
 * key. Every console page leaves a screenshot in test-artifacts/admin-console/.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { loadPartnerDemoConfig, startPartnerDemo } from '../../apps/partner-demo/src/main';
import { Users } from '../../apps/login-ui/src/users/users.service';
import { freePorts } from '../support/free-port';
import { launchChromium, screenshotFolder } from './chromium';
import { Provider, randomName, startProvider } from './harness';

describe('the admin console in a real browser (issue 7)', () => {
  const admin = { username: randomName('root'), password: `Bootstrap-${randomBytes(9).toString('base64url')}` };
  let provider: Provider;
  let browser: Browser;
  let demo: Awaited<ReturnType<typeof startPartnerDemo>> | undefined;
  let demoUrl: string;
  let demoPort: number;
  let dataDir: string;
  let screenshot: (page: Page, name: string) => Promise<void>;

  beforeAll(async () => {
    screenshot = await screenshotFolder('admin-console');
    provider = await startProvider({ ADMIN_USERNAME: admin.username, ADMIN_PASSWORD: admin.password });
    // ADMIN_USERNAME/ADMIN_PASSWORD make the first administrator of an EMPTY directory. A shared
    // MariaDB database already holds other suites' people: then make the account the same way.
    const users = provider.loginUiApp.get(Users);
    const found = await users.listAccounts({ q: admin.username, limit: 1 });
    if (!found.users.some((user) => user.username === admin.username)) await users.create({ ...admin, roles: ['admin'] });
    [demoPort] = await freePorts(1);
    demoUrl = `http://127.0.0.1:${demoPort}`;
    dataDir = await mkdtemp(join(tmpdir(), 'tessera-admin-console-browser-'));
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await demo?.close();
    await provider?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  /** The partner demo, with the client the administrator made in the console (its secret copied from the page that showed it once). */
  const startDemoWith = async (clientId: string, clientSecret: string) => {
    demo = await startPartnerDemo(loadPartnerDemoConfig({
      ISSUER: provider.issuer,
      PARTNER_DEMO_URL: demoUrl,
      PARTNER_DEMO_HOST: '127.0.0.1',
      PARTNER_DEMO_PORT: String(demoPort),
      DATA_DIR: dataDir,
      PARTNER_DEMO_CLIENT_ID: clientId,
      PARTNER_DEMO_CLIENT_SECRET: clientSecret,
      PARTNER_DEMO_SECRET: randomBytes(32).toString('base64url'),
    }), false);
  };

  const consoleUrl = (path: string) => `${provider.loginUiUrl}/admin${path}`;
  const heading = (page: Page) => page.getByRole('heading', { level: 1 }).textContent();
  const flash = (page: Page) => page.locator('main [role="status"]').textContent();
  const navigate = async (page: Page, link: string) => {
    await Promise.all([page.waitForLoadState('load'), page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: link }).click()]);
  };
  /** A destructive action: open its confirmation (the <summary>), then press the named button. */
  const confirm = async (scope: Locator, opener: string, button: string) => {
    const details = scope.locator('details.confirm').filter({ has: scope.page().locator('summary', { hasText: opener }) });
    await details.locator('summary').click();
    await details.getByRole('button', { name: button }).click();
  };

  it('signs in as the bootstrap admin, makes a client and a user, sees and revokes their session, and rotates a key', async () => {
    let adminContext: BrowserContext | undefined;
    let personContext: BrowserContext | undefined;
    try {
      adminContext = await browser.newContext();
      const page = await adminContext.newPage();
      page.setDefaultTimeout(20_000);

      // Signing in to the console goes through Tessera's own login page (the console is its first-party client: no consent).
      await page.goto(consoleUrl(''));
      await page.waitForURL((url) => url.pathname === '/login');
      await page.getByLabel('Username or email').fill(admin.username);
      await page.getByLabel('Password').fill(admin.password);
      await screenshot(page, 'console-sign-in');
      await Promise.all([page.waitForURL(consoleUrl('')), page.getByRole('button', { name: 'Sign in' }).click()]);
      await expect(heading(page)).resolves.toBe('Dashboard');
      await expect(page.locator('.console-who').textContent()).resolves.toContain(admin.username);
      await screenshot(page, 'dashboard');

      // Clients: a refused form keeps what was typed and says what is wrong next to the field.
      await navigate(page, 'Clients');
      await expect(heading(page)).resolves.toBe('Clients');
      await screenshot(page, 'clients');
      await page.getByRole('link', { name: 'New client' }).click();
      await page.getByLabel('Name', { exact: true }).fill('Partner demo (made in the console)');
      await page.getByLabel('Redirect URIs', { exact: true }).fill('http://partner.example/callback');
      await screenshot(page, 'client-new');
      await page.getByRole('button', { name: 'Create client' }).click();
      await expect(page.locator('#redirect_uris-error').textContent()).resolves.toMatch(/https/);
      await expect(page.getByLabel('Name', { exact: true }).inputValue()).resolves.toBe('Partner demo (made in the console)');
      await expect(page.locator('#redirect_uris:focus').count()).resolves.toBe(1);
      await screenshot(page, 'client-new-refused');

      await page.getByLabel('Redirect URIs', { exact: true }).fill(`${demoUrl}/callback`);
      await page.getByLabel('Post-logout redirect URIs').fill(`${demoUrl}/`);
      await page.getByLabel(/^Refresh token/).check();
      await page.getByRole('button', { name: 'Create client' }).click();
      await expect(heading(page)).resolves.toBe('Client created');
      await expect(page.getByRole('alert').textContent()).resolves.toContain('shown only on this page');
      const clientId = (await page.locator('#client-id').textContent())!.trim();
      const clientSecret = await page.getByLabel('Client secret').inputValue();
      expect(clientSecret.length).toBeGreaterThanOrEqual(32);
      await screenshot(page, 'client-secret-shown-once');
      await page.getByRole('link', { name: /go to the client/ }).click();
      await expect(heading(page)).resolves.toContain('Partner demo (made in the console)');
      await expect(page.locator('body').textContent()).resolves.not.toContain(clientSecret);
      await screenshot(page, 'client');
      await page.getByRole('link', { name: 'Edit' }).click();
      await expect(page.getByLabel('Redirect URIs', { exact: true }).inputValue()).resolves.toBe(`${demoUrl}/callback`);
      await screenshot(page, 'client-edit');
      await startDemoWith(clientId, clientSecret);

      // Users: the password policy's refusal appears beside the password, then the person is made.
      const person = { username: randomName('pat'), name: 'Pat Example', password: `Console-made-${randomBytes(6).toString('hex')}` };
      await navigate(page, 'Users');
      await expect(heading(page)).resolves.toBe('Users');
      await screenshot(page, 'users');
      await page.getByRole('link', { name: 'New user' }).click();
      await page.getByLabel('Username').fill(person.username);
      await page.getByLabel('Full name').fill(person.name);
      await page.getByLabel('Email').fill(`${person.username}@example.com`);
      await page.getByLabel('Password', { exact: true }).fill('short');
      await page.getByRole('button', { name: 'Create user' }).click();
      await expect(page.locator('#password-error').textContent()).resolves.toMatch(/at least \d+ characters/);
      await expect(page.getByLabel('Password', { exact: true }).inputValue()).resolves.toBe('');
      await screenshot(page, 'user-new-refused');
      await page.getByLabel('Password', { exact: true }).fill(person.password);
      await page.getByRole('button', { name: 'Create user' }).click();
      await expect(heading(page)).resolves.toContain(person.username);
      await expect(flash(page)).resolves.toContain('created');
      const sub = (await page.locator('dl.facts dd code').first().textContent())!.trim();
      await screenshot(page, 'user');

      // That person signs in at the partner demo, in a browser of their own.
      personContext = await browser.newContext();
      const partner = await personContext.newPage();
      partner.setDefaultTimeout(20_000);
      await partner.goto(`${demoUrl}/`);
      await Promise.all([partner.waitForURL((url) => url.pathname === '/login'), partner.getByRole('button', { name: 'Sign in with Tessera' }).click()]);
      await expect(heading(partner)).resolves.toContain('Partner demo (made in the console)');
      await partner.getByLabel('Username or email').fill(person.username);
      await partner.getByLabel('Password').fill(person.password);
      await Promise.all([partner.waitForURL((url) => url.pathname === '/consent'), partner.getByRole('button', { name: 'Sign in' }).click()]);
      await Promise.all([partner.waitForURL(`${demoUrl}/me`), partner.getByRole('button', { name: 'Allow' }).click()]);
      await expect(heading(partner)).resolves.toContain(person.name);
      await screenshot(partner, 'partner-demo-signed-in');

      // The administrator sees that session, with the client that obtained tokens in it.
      await page.getByRole('link', { name: 'Sessions of this user' }).click();
      await expect(heading(page)).resolves.toBe(`Sessions of ${person.username}`);
      const rows = page.locator('#sessions tbody tr');
      await expect(rows.count()).resolves.toBe(1);
      await expect(rows.first().getByRole('link', { name: clientId }).isVisible()).resolves.toBe(true);
      await expect(rows.first().locator('.badge').textContent()).resolves.toBe('active');
      await screenshot(page, 'sessions-of-user');
      await page.goto(consoleUrl(`/sessions?client_id=${encodeURIComponent(clientId)}`));
      await expect(page.locator('#sessions tbody tr').first().getByRole('link', { name: sub }).isVisible()).resolves.toBe(true);
      await screenshot(page, 'sessions-of-client');

      // The audit log lists the person's sign-in.
      await navigate(page, 'Audit log');
      await page.getByLabel('Subject (a person\'s sub)').fill(sub);
      await Promise.all([page.waitForURL((url) => url.searchParams.get('subject') === sub), page.getByRole('button', { name: 'Filter' }).click()]);
      await expect(page.locator('table.data tbody tr').filter({ hasText: 'sign_in.succeeded' }).count()).resolves.toBeGreaterThanOrEqual(1);
      await screenshot(page, 'audit-log');

      // Revoking the session: after the confirmation, the row is gone.
      await page.goto(consoleUrl(`/sessions?subject=${encodeURIComponent(sub)}`));
      await confirm(page.locator('#sessions tbody tr').first(), 'Revoke', 'End this session');
      await page.waitForLoadState('load');
      await expect(flash(page)).resolves.toContain('Session ended');
      await expect(page.locator('#sessions').count()).resolves.toBe(0);
      await expect(page.getByText('No active sessions here.').isVisible()).resolves.toBe(true);
      await screenshot(page, 'session-revoked');
      await page.getByRole('link', { name: 'Show ended and expired sessions too' }).click();
      await expect(page.locator('#sessions tbody tr .badge').first().textContent()).resolves.toBe('ended');
      await screenshot(page, 'sessions-ended-shown');

      // Keys: rotating now adds a key to the list.
      await navigate(page, 'Keys');
      await expect(heading(page)).resolves.toBe('Signing keys');
      const kids = async () => page.locator('table.data tbody tr td:first-child code').allTextContents();
      const before = await kids();
      await screenshot(page, 'keys');
      await page.locator('details.confirm summary', { hasText: 'Rotate now' }).click();
      await page.locator('details.confirm[open]').getByRole('button', { name: 'Rotate now' }).click();
      await page.waitForLoadState('load');
      const after = await kids();
      expect(after.length).toBe(before.length + 1);
      expect(after.filter((kid) => !before.includes(kid))).toHaveLength(1);
      await screenshot(page, 'keys-rotated');

      // The rest of the console, each page as an administrator sees it.
      await navigate(page, 'Access tokens for registration');
      await expect(heading(page)).resolves.toBe('Access tokens for registration');
      await screenshot(page, 'registration-tokens');
      await navigate(page, 'Token inspector');
      await expect(heading(page)).resolves.toBe('Token inspector');
      await screenshot(page, 'token-inspector');
      await navigate(page, 'Sessions');
      await expect(page.getByText('Choose a user or a client above').isVisible()).resolves.toBe(true);
      await screenshot(page, 'sessions');
      await navigate(page, 'Dashboard');
      await screenshot(page, 'dashboard-after');
    } finally {
      await personContext?.close();
      await adminContext?.close();
    }
  }, 180_000);
});
