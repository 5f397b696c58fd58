/**
 * The partner demo against a real provider, over HTTP with the cookie-keeping test browser:
 * client registration (first start, restart, a client the issuer forgot, a client of an older
 * demo), the sign-in through Tessera's real pages to the signed-in page, the API guarded by
 * libs/rp, sign-out, and back-channel logout (the session ended at Tessera by someone else).
 */
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as oidc from 'openid-client';
import { loadPartnerDemoConfig, RunningPartnerDemo, startPartnerDemo } from '../../apps/partner-demo/src/main';
import { freePorts, isPortTaken } from '../support/free-port';
import { Browser, Page } from './browser';
import { Provider, startProvider, TestUser } from './harness';
import { codeFlow, signIn } from './sign-in';

interface DemoSite {
  url: string;
  dataDir: string;
  env: Record<string, string>;
  running: RunningPartnerDemo;
}

describe('partner demo', () => {
  let provider: Provider;
  let site: DemoSite;
  let user: TestUser;
  const started: RunningPartnerDemo[] = [];
  const dataDirs: string[] = [];

  /** Env for a demo on `port` with its own DATA_DIR, configured like `npm start` configures it. */
  async function demoEnv(port: number, dataDir?: string): Promise<Record<string, string>> {
    const dir = dataDir ?? (await mkdtemp(join(tmpdir(), 'tessera-partner-demo-')));
    if (!dataDir) dataDirs.push(dir);
    return {
      ...provider.env,
      ISSUER: provider.issuer,
      PARTNER_DEMO_URL: `http://127.0.0.1:${port}`,
      PARTNER_DEMO_HOST: '127.0.0.1',
      PARTNER_DEMO_PORT: String(port),
      DATA_DIR: dir,
      INITIAL_ACCESS_TOKEN: provider.initialAccessToken,
    };
  }

  async function startDemo(env: Record<string, string>): Promise<RunningPartnerDemo> {
    const running = await startPartnerDemo(loadPartnerDemoConfig(env), false);
    started.push(running);
    return running;
  }

  /** A demo on a free port; a port taken between the probe and the bind gets another try. */
  async function newSite(): Promise<DemoSite> {
    for (let attempt = 1; ; attempt++) {
      const [port] = await freePorts(1);
      const env = await demoEnv(port);
      try {
        return { url: env.PARTNER_DEMO_URL, dataDir: env.DATA_DIR, env, running: await startDemo(env) };
      } catch (err) {
        if (!isPortTaken(err) || attempt === 5) throw err;
      }
    }
  }

  async function stopDemo(running: RunningPartnerDemo): Promise<void> {
    started.splice(started.indexOf(running), 1);
    await running.close();
  }

  function browserFor(demo: DemoSite): Browser {
    return new Browser([...provider.origins, new URL(demo.url).origin]);
  }

  /** From the demo's home through Tessera's login and consent pages, back to wherever the demo sends the browser. */
  async function signInThroughDemo(browser: Browser, demo: DemoSite, person: TestUser, consent: 'Allow' | 'Deny' = 'Allow'): Promise<Page> {
    const home = await browser.get(`${demo.url}/`);
    const start = home.document().querySelector('form[action="/login"]');
    expect(start?.text).toContain('Sign in with Tessera');
    const result = await signIn(browser, new URL(`${demo.url}/login`), person, consent);
    expect(result.sawLoginForm).toBe(true);
    return result.page;
  }

  function cookie(browser: Browser, demo: DemoSite, name: string): string {
    const found = browser.cookiesFor(`${demo.url}/`).find((c) => c.name === name);
    if (!found) throw new Error(`no ${name} cookie`);
    return found.value;
  }

  function claimCell(page: Page, table: string, claim: string): string | undefined {
    return page.document().querySelector(`#${table} td[data-claim="${claim}"]`)?.text.trim();
  }

  beforeAll(async () => {
    provider = await startProvider();
    site = await newSite();
    user = await provider.createUser({ name: 'Ada Lovelace' });
  });

  afterAll(async () => {
    await Promise.allSettled(started.map((running) => running.close()));
    await provider?.close();
    await Promise.all(dataDirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  describe('client registration', () => {
    it('registers its client on first start and stores it, readable by its owner only', async () => {
      expect(site.running.clientSource).toBe('registered');
      const file = join(site.dataDir, 'partner-demo-client.json');
      const stored = JSON.parse(await readFile(file, 'utf8')) as Record<string, string>;
      expect(stored).toMatchObject({
        issuer: provider.issuer,
        redirect_uri: `${site.url}/callback`,
        post_logout_redirect_uri: `${site.url}/`,
        backchannel_logout_uri: `${site.url}/backchannel-logout`,
        registration_version: 2,
        client_id: site.running.clientId,
      });
      expect(stored.client_secret).toEqual(expect.any(String));
      expect((await stat(file)).mode & 0o777).toBe(0o600);
    });

    it('reuses the stored client on restart, without needing the initial access token again', async () => {
      const demo = await newSite();
      expect(demo.running.clientSource).toBe('registered');
      const { clientId } = demo.running;
      const port = Number(demo.env.PARTNER_DEMO_PORT);
      await stopDemo(demo.running);

      const { INITIAL_ACCESS_TOKEN: _dropped, ...withoutToken } = await demoEnv(port, demo.dataDir);
      const restarted = await startDemo(withoutToken);
      expect(restarted.clientSource).toBe('stored');
      expect(restarted.clientId).toBe(clientId);

      // And the reused client still signs people in.
      const page = await signInThroughDemo(browserFor(demo), demo, user);
      expect(new URL(page.url).pathname).toBe('/me');
    });

    it('registers again when the issuer does not know the stored client (e.g. a fresh database)', async () => {
      const [port] = await freePorts(1);
      const env = await demoEnv(port);
      const file = join(env.DATA_DIR, 'partner-demo-client.json');
      await writeFile(file, JSON.stringify({
        issuer: provider.issuer,
        redirect_uri: `${env.PARTNER_DEMO_URL}/callback`,
        post_logout_redirect_uri: `${env.PARTNER_DEMO_URL}/`,
        backchannel_logout_uri: `${env.PARTNER_DEMO_URL}/backchannel-logout`,
        registration_version: 2,
        client_id: 'forgotten-client',
        client_secret: 'forgotten-secret-forgotten-secret-forgotten',
      }), { mode: 0o600 });

      const running = await startDemo(env);
      expect(running.clientSource).toBe('registered');
      expect(running.clientId).not.toBe('forgotten-client');
      const stored = JSON.parse(await readFile(file, 'utf8')) as Record<string, string>;
      expect(stored.client_id).toBe(running.clientId);
      expect(stored.client_secret).not.toBe('forgotten-secret-forgotten-secret-forgotten');
    });

    it('registers again when the stored client was registered by an older demo, without back-channel logout', async () => {
      const [port] = await freePorts(1);
      const env = await demoEnv(port);
      const old = await provider.registerClient({
        redirect_uris: [`${env.PARTNER_DEMO_URL}/callback`],
        post_logout_redirect_uris: [`${env.PARTNER_DEMO_URL}/`],
      });
      const file = join(env.DATA_DIR, 'partner-demo-client.json');
      // The file as the demo wrote it before issue 4: no back-channel logout URI, no registration version.
      await writeFile(file, JSON.stringify({
        issuer: provider.issuer,
        redirect_uri: `${env.PARTNER_DEMO_URL}/callback`,
        post_logout_redirect_uri: `${env.PARTNER_DEMO_URL}/`,
        client_id: old.clientId,
        client_secret: old.clientSecret,
      }), { mode: 0o600 });

      const running = await startDemo(env);
      expect(running.clientSource).toBe('registered');
      expect(running.clientId).not.toBe(old.clientId);
      expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({
        client_id: running.clientId, backchannel_logout_uri: `${env.PARTNER_DEMO_URL}/backchannel-logout`, registration_version: 2,
      });
    });

    it('uses PARTNER_DEMO_CLIENT_ID and PARTNER_DEMO_CLIENT_SECRET as given, registering nothing', async () => {
      const [port] = await freePorts(1);
      const env = await demoEnv(port);
      const registered = await provider.registerClient({
        redirect_uris: [`${env.PARTNER_DEMO_URL}/callback`],
        post_logout_redirect_uris: [`${env.PARTNER_DEMO_URL}/`],
      });
      const { INITIAL_ACCESS_TOKEN: _unused, ...withoutToken } = env;
      const running = await startDemo({ ...withoutToken, PARTNER_DEMO_CLIENT_ID: registered.clientId, PARTNER_DEMO_CLIENT_SECRET: registered.clientSecret! });
      expect(running.clientSource).toBe('environment');
      expect(running.clientId).toBe(registered.clientId);
      await expect(stat(join(env.DATA_DIR, 'partner-demo-client.json'))).rejects.toMatchObject({ code: 'ENOENT' });
      const demo = { url: env.PARTNER_DEMO_URL, dataDir: env.DATA_DIR, env, running };
      expect(new URL((await signInThroughDemo(browserFor(demo), demo, user)).url).pathname).toBe('/me');
    });
  });

  describe('signing in and out', () => {
    it('signs in through Tessera to /me, which shows the verified claims, and signs out back to the home page', async () => {
      const browser = browserFor(site);
      const me = await signInThroughDemo(browser, site, user);
      expect(me.status).toBe(200);
      expect(new URL(me.url).pathname).toBe('/me');
      expect(claimCell(me, 'profile', 'name')).toBe('Ada Lovelace');
      expect(claimCell(me, 'profile', 'email')).toBe(user.email);
      expect(claimCell(me, 'profile', 'sub')).toMatch(/\S/);
      expect(claimCell(me, 'access', 'scope')).toBe('openid profile email');
      expect(claimCell(me, 'access', 'client_id')).toBe(site.running.clientId);
      // The tokens are the demo's own session, out of reach of scripts; the transaction is spent.
      const jar = browser.cookiesFor(`${site.url}/`);
      expect(jar.filter((c) => c.name.startsWith('partner_demo_')).map((c) => [c.name, c.httpOnly, c.sameSite]).sort())
        .toEqual([['partner_demo_at', true, 'lax'], ['partner_demo_id', true, 'lax']]);
      expect(browser.cookiesFor(`${site.url}/callback`).some((c) => c.name === 'partner_demo_login')).toBe(false);

      const confirm = await browser.submit(me, 'form[action="/logout"]', {}, 'Sign out');
      expect(new URL(confirm.url).origin).toBe(provider.loginUiUrl);
      const home = await browser.submit(confirm, undefined, {}, 'Sign out');
      expect(home.url).toBe(`${site.url}/`);
      expect(home.body).toContain('Sign in with Tessera');
      expect(browser.cookiesFor(`${site.url}/`).filter((c) => c.name.startsWith('partner_demo_'))).toEqual([]);

      const after = await browser.get(`${site.url}/me`);
      expect(after.url).toBe(`${site.url}/`);
    });

    it('sends a signed-out visitor of /me to the home page', async () => {
      const page = await browserFor(site).get(`${site.url}/me`);
      expect(page.visited).toEqual([`${site.url}/me`, `${site.url}/`]);
      expect(page.body).toContain('Sign in with Tessera');
    });

    it('refuses a callback whose state is not the one this browser started with: 400, nothing reflected, no session', async () => {
      const browser = browserFor(site);
      await browser.get(`${site.url}/login`); // leaves the sealed transaction in the jar, stops on Tessera's login form
      const forged = new URL(`${site.url}/callback`);
      forged.search = new URLSearchParams({ code: 'stolen-code', state: '<script>alert(1)</script>', iss: provider.issuer }).toString();
      const page = await browser.get(forged);
      expect(page.status).toBe(400);
      expect(page.document().querySelector('#error-code')?.text).toBe('ERR_LOGIN_STATE');
      expect(page.body).not.toContain('<script>alert(1)</script>');
      expect(browser.cookiesFor(`${site.url}/`).map((c) => c.name)).not.toContain('partner_demo_at');
    });

    it('shows access_denied with status 400 when the person clicks Deny on the consent page', async () => {
      // A person who never consented to the demo (a remembered grant would skip the consent page).
      const newcomer = await provider.createUser();
      const page = await signInThroughDemo(browserFor(site), site, newcomer, 'Deny');
      expect(new URL(page.url).pathname).toBe('/callback');
      expect(page.status).toBe(400);
      expect(page.document().querySelector('#error-code')?.text).toBe('access_denied');
    });

    it('refuses a logout form posted from another site', async () => {
      const res = await fetch(`${site.url}/logout`, { method: 'POST', headers: { origin: 'https://attacker.example' }, redirect: 'manual' });
      expect(res.status).toBe(403);
    });
  });

  describe('GET /api/me', () => {
    let accessToken: string;
    let idToken: string;
    let sub: string;

    beforeAll(async () => {
      const browser = browserFor(site);
      const me = await signInThroughDemo(browser, site, user);
      sub = claimCell(me, 'profile', 'sub')!;
      accessToken = cookie(browser, site, 'partner_demo_at');
      idToken = cookie(browser, site, 'partner_demo_id');
    });

    it('answers a Bearer access token with the verified claims', async () => {
      const res = await fetch(`${site.url}/api/me`, { headers: { authorization: `Bearer ${accessToken}` } });
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      const body = (await res.json()) as Record<string, unknown>;
      expect(body).toMatchObject({ sub, scope: 'openid profile email', client_id: site.running.clientId, iss: provider.issuer, token_source: 'authorization' });
      expect(body.exp).toEqual(expect.any(Number));
    });

    it('answers the browser session cookies too', async () => {
      const res = await fetch(`${site.url}/api/me`, { headers: { cookie: `partner_demo_at=${accessToken}; partner_demo_id=${idToken}` } });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ sub, token_source: 'cookie' });
    });

    it('refuses the access token cookie without the ID token cookie: through cookies, the whole session is checked', async () => {
      const res = await fetch(`${site.url}/api/me`, { headers: { cookie: `partner_demo_at=${accessToken}` } });
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ error: 'invalid_token', error_description: 'The session is no longer valid' });
    });

    it('answers no token with 401 and a bare Bearer challenge (RFC 6750 §3.1)', async () => {
      const res = await fetch(`${site.url}/api/me`);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="partner-demo"');
    });

    it('refuses an ID token presented as a Bearer token with 401 invalid_token', async () => {
      const res = await fetch(`${site.url}/api/me`, { headers: { authorization: `Bearer ${idToken}` } });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer realm="partner-demo", error="invalid_token", error_description="[^"]+"$/);
      expect(await res.json()).toEqual({ error: 'invalid_token', error_description: 'The token is not an access token' });
    });

    it('refuses a tampered access token with 401 invalid_token', async () => {
      const [header, payload, signature] = accessToken.split('.');
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
      const forged = Buffer.from(JSON.stringify({ ...claims, sub: 'someone-else' })).toString('base64url');
      const res = await fetch(`${site.url}/api/me`, { headers: { authorization: `Bearer ${header}.${forged}.${signature}` } });
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: string }).error).toBe('invalid_token');
    });
  });

  describe('back-channel logout (OpenID Connect Back-Channel Logout 1.0)', () => {
    const OTHER_PARTNER = 'https://other-partner.example';

    function sessionCookieHeader(browser: Browser, demo: DemoSite): string {
      return browser.cookiesFor(`${demo.url}/`).filter((c) => c.name.startsWith('partner_demo_')).map((c) => `${c.name}=${c.value}`).join('; ');
    }

    async function apiStatus(demo: DemoSite, cookieHeader: string): Promise<number> {
      return (await fetch(`${demo.url}/api/me`, { headers: { cookie: cookieHeader } })).status;
    }

    it('ends the demo session when the person signs out at Tessera through another partner: /api/me answers 401, /me shows signed out', async () => {
      const browser = browserFor(site);
      expect(new URL((await signInThroughDemo(browser, site, user)).url).pathname).toBe('/me');
      const cookies = sessionCookieHeader(browser, site);
      expect(await apiStatus(site, cookies)).toBe(200);

      // Someone else, signed in at the demo in another browser: another SSO session, which must survive.
      const bystanderBrowser = browserFor(site);
      await signInThroughDemo(bystanderBrowser, site, await provider.createUser());
      const bystanderCookies = sessionCookieHeader(bystanderBrowser, site);

      // Another partner in the same browser: the same SSO session (no password asked, codeFlow would stop on the form).
      const other = await provider.registerClient({
        redirect_uris: [`${OTHER_PARTNER}/callback`],
        post_logout_redirect_uris: [`${OTHER_PARTNER}/signed-out`],
      });
      const { tokens } = await codeFlow(browser, other, undefined);

      // The other partner's RP-initiated logout, confirmed on Tessera's page; the demo's own sign-out is never used.
      const confirm = await browser.get(oidc.buildEndSessionUrl(other.config, {
        id_token_hint: tokens.id_token!, post_logout_redirect_uri: `${OTHER_PARTNER}/signed-out`,
      }));
      const signedOut = await browser.submit(confirm, undefined, {}, 'Sign out');
      expect(signedOut.redirectedTo?.href).toBe(`${OTHER_PARTNER}/signed-out`);

      // Tessera delivers the logout token before it redirects; a retry on a busy machine may come a little later.
      const deadline = Date.now() + 15_000;
      while ((await apiStatus(site, cookies)) === 200 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 250));
      const api = await fetch(`${site.url}/api/me`, { headers: { cookie: cookies } });
      expect(api.status).toBe(401);
      expect(await api.json()).toEqual({ error: 'invalid_token', error_description: 'The session is no longer valid' });

      // The page: signed out, cookies cleared, back on the home page.
      const page = await browser.get(`${site.url}/me`);
      expect(page.url).toBe(`${site.url}/`);
      expect(page.body).toContain('Sign in with Tessera');
      expect(browser.cookiesFor(`${site.url}/`).filter((c) => c.name.startsWith('partner_demo_'))).toEqual([]);

      expect(await apiStatus(site, bystanderCookies)).toBe(200);
      expect(new URL((await bystanderBrowser.get(`${site.url}/me`)).url).pathname).toBe('/me');
    });

    it('answers a token that is not a logout token with 400 invalid_request, whatever Origin it comes from, and ends nothing', async () => {
      const browser = browserFor(site);
      await signInThroughDemo(browser, site, user);
      const cookies = sessionCookieHeader(browser, site);
      const idToken = cookie(browser, site, 'partner_demo_id');
      // Server to server: no Origin check stands in the way (a 403 here would block Tessera's own POSTs).
      const res = await fetch(`${site.url}/backchannel-logout`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://attacker.example' },
        body: new URLSearchParams({ logout_token: idToken }).toString(),
      });
      expect(res.status).toBe(400);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(await res.json()).toEqual({ error: 'invalid_request', error_description: 'The logout token is not valid' });
      expect(await apiStatus(site, cookies)).toBe(200);
    });
  });
});
