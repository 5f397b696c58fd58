/**
 * The partner demo's whole sign-in in a real browser: Debian's Chromium driven by playwright-core
 * (never `npx playwright install`: no browser is downloaded). Every step leaves a screenshot in
 * test-artifacts/partner-demo/, so a failure can be seen as the person would have seen it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { loadPartnerDemoConfig, startPartnerDemo } from '../../apps/partner-demo/src/main';
import { freePorts } from '../support/free-port';
import { launchChromium, screenshotFolder } from './chromium';
import { Provider, startProvider, TestUser } from './harness';


describe('the partner demo in a real browser (issue 3)', () => {
  let provider: Provider;
  let demo: Awaited<ReturnType<typeof startPartnerDemo>>;
  let demoUrl: string;
  let dataDir: string;
  let browser: Browser;
  let user: TestUser;

  let screenshot: (page: Page, name: string) => Promise<void>;

  beforeAll(async () => {
    browser = await launchChromium();
    screenshot = await screenshotFolder('partner-demo');
    provider = await startProvider();
    user = await provider.createUser();
    dataDir = await mkdtemp(join(tmpdir(), 'tessera-partner-demo-browser-'));
    const [port] = await freePorts(1);
    demoUrl = `http://127.0.0.1:${port}`;
    demo = await startPartnerDemo(loadPartnerDemoConfig({
      ISSUER: provider.issuer,
      PARTNER_DEMO_URL: demoUrl,
      PARTNER_DEMO_HOST: '127.0.0.1',
      PARTNER_DEMO_PORT: String(port),
      DATA_DIR: dataDir,
      INITIAL_ACCESS_TOKEN: provider.initialAccessToken,
      PARTNER_DEMO_SECRET: randomBytes(32).toString('base64url'),
    }), false);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await demo?.close();
    await provider?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  const origin = (page: Page) => new URL(page.url()).origin;
  const path = (page: Page) => new URL(page.url()).pathname;

  it('signs in through Tessera, shows the verified claims, calls the API, and signs out at both ends', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    try {
      // The partner's home page.
      await page.goto(`${demoUrl}/`);
      await screenshot(page, 'home');
      const signIn = page.getByRole('button', { name: 'Sign in with Tessera' });
      await expect(signIn.isVisible()).resolves.toBe(true);

      // Off to Tessera: the login UI's form, naming the site that asks.
      await Promise.all([page.waitForURL((url) => url.origin === provider.loginUiUrl && url.pathname === '/login'), signIn.click()]);
      await expect(page.getByRole('heading').first().textContent()).resolves.toContain('Tessera Partner Demo');
      await page.getByLabel('Username or email').fill(user.username);
      await page.getByLabel('Password').fill(user.password);
      await screenshot(page, 'tessera-login');

      // Consent: the demo is not first-party, so the person is asked.
      await Promise.all([page.waitForURL((url) => url.pathname === '/consent'), page.getByRole('button', { name: 'Sign in' }).click()]);
      await screenshot(page, 'tessera-consent');
      expect(origin(page)).toBe(provider.loginUiUrl);

      // Back at the partner, signed in: its own page shows what it verified from the ID token.
      await Promise.all([page.waitForURL(`${demoUrl}/me`), page.getByRole('button', { name: 'Allow' }).click()]);
      await screenshot(page, 'me');
      await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toContain(user.name);
      await expect(page.locator('#profile td[data-claim="email"]').textContent()).resolves.toBe(user.email);
      await expect(page.locator('#profile td[data-claim="name"]').textContent()).resolves.toBe(user.name);
      const sub = (await page.locator('#profile td[data-claim="sub"]').textContent())?.trim();
      expect(sub).toMatch(/\S/);

      // The protected API, called by the browser with its session cookie: JSON about the same person.
      await Promise.all([page.waitForURL(`${demoUrl}/api/me`), page.getByRole('link', { name: 'Call the API' }).click()]);
      await screenshot(page, 'api-me');
      const api = JSON.parse(await page.locator('body').innerText()) as Record<string, unknown>;
      expect(api.sub).toBe(sub);
      expect(api.client_id).toBe(demo.clientId);

      // Sign out: the partner forgets the session and sends the browser to Tessera to end its own.
      await page.goBack();
      await page.waitForURL(`${demoUrl}/me`);
      await Promise.all([
        page.waitForURL((url) => url.origin === provider.loginUiUrl && url.pathname === '/logout'),
        page.getByRole('button', { name: 'Sign out' }).click(),
      ]);
      await screenshot(page, 'tessera-logout-confirmation');
      await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toContain('Sign out of Tessera');

      // Confirmed at Tessera: back on the partner's home page (post_logout_redirect_uri).
      await Promise.all([page.waitForURL(`${demoUrl}/`), page.getByRole('button', { name: 'Sign out' }).click()]);
      await screenshot(page, 'home-after-sign-out');
      await expect(page.getByRole('button', { name: 'Sign in with Tessera' }).isVisible()).resolves.toBe(true);

      // Signed out here: the signed-in page sends the browser back to sign in.
      const me = await page.goto(`${demoUrl}/me`);
      expect(me?.request().redirectedFrom()?.url()).toBe(`${demoUrl}/me`);
      expect(page.url()).toBe(`${demoUrl}/`);
      await screenshot(page, 'me-redirects-when-signed-out');

      // And signed out at Tessera: signing in again asks for the password, no silent sign-in.
      await Promise.all([
        page.waitForURL((url) => url.origin === provider.loginUiUrl && url.pathname === '/login'),
        page.getByRole('button', { name: 'Sign in with Tessera' }).click(),
      ]);
      expect(path(page)).toBe('/login');
      await expect(page.getByLabel('Password').isVisible()).resolves.toBe(true);
      await screenshot(page, 'tessera-asks-again');
    } finally {
      await context.close();
    }
  }, 120_000);
});
