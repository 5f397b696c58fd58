/**
 * Hostile use of the login UI: telling accounts apart by their answers, SQL and look-alike names,
 * forged form posts (login, consent and logout CSRF), planted session cookies, framing, and
 * redirects to anywhere the provider did not choose. References: OWASP ASVS 5.0 V6 (authentication)
 * and V7 (sessions), the OWASP Authentication and CSRF Prevention Cheat Sheets, RFC 6265bis,
 * RFC 9700 §4.11 (open redirection), CSP Level 3 `frame-ancestors`.
 */
import { randomBytes } from 'node:crypto';
import { parse } from 'node-html-parser';
import * as oidc from 'openid-client';
import { DataSource } from 'typeorm';
import { loginKey } from '../../apps/login-ui/src/users/login-key';
import { InvalidUserInput, UserAlreadyExists, Users } from '../../apps/login-ui/src/users/users.service';
import { Browser, Page } from '../e2e/browser';
import { Provider, randomName, RegisteredClient, startProvider, TestUser } from '../e2e/harness';
import { authRequest, codeFlow, hasPasswordForm, signIn } from '../e2e/sign-in';
import { answerOf, expectInertHtml, expectNoLeak, expectPageSecurityHeaders } from './support/checks';

// The argon2 module object itself, so that a spy sees every verification the login UI makes.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const argon2 = require('@node-rs/argon2') as typeof import('@node-rs/argon2');

// Hundreds of requests from one address in seconds: the per-IP limits (brute-force.e2e-spec.ts tests
// them) would answer 429 long before the input under test is looked at.
const NO_RATE_LIMITS = { RATE_LIMIT_ENABLED: 'false' };
const REDIRECT_URI = 'https://partner.example/callback';
const POST_LOGOUT_URI = 'https://partner.example/signed-out';
const SSO_COOKIE = 'tessera_sso';

describe('hostile use of the login UI', () => {
  let provider: Provider;
  let client: RegisteredClient;
  let users: Users;
  const browser = () => new Browser(provider.origins);

  beforeAll(async () => {
    provider = await startProvider(NO_RATE_LIMITS);
    client = await provider.registerClient({ redirect_uris: [REDIRECT_URI], post_logout_redirect_uris: [POST_LOGOUT_URI] });
    users = provider.loginUiApp.get(Users);
  });
  afterAll(() => provider?.close());
  afterEach(() => jest.restoreAllMocks());

  /** A person of the directory, with the subject that their tokens carry. */
  async function person(username = randomName('user')): Promise<TestUser & { subject: string }> {
    const password = `Corr3ct-Horse-${randomBytes(6).toString('hex')}`;
    const email = `${randomName('mail')}@example.com`;
    const created = await users.create({ username, password, email, name: `Test ${username}` });
    return { username, password, email, name: `Test ${username}`, subject: created.id };
  }

  async function loginPage(b: Browser, extra: Record<string, string> = {}): Promise<Page> {
    const page = await b.get((await authRequest(client, extra)).url);
    expect(hasPasswordForm(page)).toBe(true);
    return page;
  }

  /** Who a sign-in with these credentials would make the browser: a subject, or null when refused. */
  async function signedInAs(username: string, password: string): Promise<string | null> {
    const request = await authRequest(client);
    const result = await signIn(browser(), request.url, { username, password }, 'Allow');
    if (!result.callback) {
      expect(hasPasswordForm(result.page)).toBe(true);
      expect(result.page.document().querySelector('[role="alert"]')?.text.trim()).toBe('Invalid username or password.');
      return null;
    }
    const tokens = await oidc.authorizationCodeGrant(client.config, result.callback, {
      pkceCodeVerifier: request.verifier, expectedState: request.state, expectedNonce: request.nonce, idTokenExpected: true,
    });
    return tokens.claims()!.sub;
  }

  /** A raw form POST from `b` (its cookies, its origin), for requests a real form would never send. */
  async function rawPost(b: Browser, path: string, body: string, options: { contentType?: string; headers?: Record<string, string>; dropCookies?: boolean; query?: string } = {}) {
    const url = new URL(`${provider.loginUiUrl}${path}${options.query ?? ''}`);
    const cookie = options.dropCookies ? '' : b.cookiesFor(url).map((c) => `${c.name}=${c.value}`).join('; ');
    const res = await fetch(url, {
      method: 'POST', redirect: 'manual',
      headers: {
        'content-type': options.contentType ?? 'application/x-www-form-urlencoded',
        origin: provider.loginUiUrl,
        ...(cookie ? { cookie } : {}),
        ...options.headers,
      },
      body,
    });
    return answerOf(res);
  }

  describe('user enumeration: an unknown account and a wrong password get the same answer (OWASP ASVS V6.3.8)', () => {
    /** The page with what necessarily differs blanked: the CSRF token, the challenge and the echoed username. */
    function normalised(page: Page): string {
      const doc = parse(page.body);
      for (const input of doc.querySelectorAll('input[name="_csrf"], input[name="login_challenge"], input[name="username"]')) input.setAttribute('value', '…');
      return doc.toString();
    }

    const rows: { name: string; known: (u: TestUser) => { username: string; password: string }; unknown: () => { username: string; password: string }; disable?: boolean; argon2Calls?: number }[] = [
      { name: 'a username with a wrong password, and an unknown username', known: (u) => ({ username: u.username, password: 'Wrong-password-1' }), unknown: () => ({ username: randomName('nobody'), password: 'Wrong-password-1' }) },
      { name: 'an email with a wrong password, and an unknown email', known: (u) => ({ username: u.email, password: 'Wrong-password-1' }), unknown: () => ({ username: `${randomName('nobody')}@example.com`, password: 'Wrong-password-1' }) },
      { name: 'a username in upper case with a wrong password, and an unknown one', known: (u) => ({ username: u.username.toUpperCase(), password: 'Wrong-password-1' }), unknown: () => ({ username: randomName('NOBODY'), password: 'Wrong-password-1' }) },
      { name: 'a disabled account with its right password, and an unknown username', known: (u) => ({ username: u.username, password: u.password }), unknown: () => ({ username: randomName('nobody'), password: 'Corr3ct-Horse-000000' }), disable: true },
      // passport-local refuses a missing field before any lookup: no account is consulted either way.
      { name: 'an empty password for a real and an unknown account', known: (u) => ({ username: u.username, password: '' }), unknown: () => ({ username: randomName('nobody'), password: '' }), argon2Calls: 0 },
      { name: 'a password of 1,025 characters for a real and an unknown account', known: (u) => ({ username: u.username, password: 'p'.repeat(1025) }), unknown: () => ({ username: randomName('nobody'), password: 'p'.repeat(1025) }) },
      { name: 'a password of 8,000 characters for a real and an unknown account', known: (u) => ({ username: u.username, password: 'p'.repeat(8000) }), unknown: () => ({ username: randomName('nobody'), password: 'p'.repeat(8000) }) },
    ];

    it.each(rows)('$name', async (row) => {
      const user = await person();
      if (row.disable) await provider.loginUiApp.get(DataSource).query('UPDATE users SET disabled = ? WHERE id = ?', [1, user.subject]);
      const verify = jest.spyOn(argon2, 'verify');

      const answers: Page[] = [];
      for (const credentials of [row.known(user), row.unknown()]) {
        const b = browser();
        const form = await loginPage(b);
        verify.mockClear();
        answers.push(await b.submit(form, undefined, credentials, 'Sign in'));
        // Both paths pay for the same argon2id verification; timing parity itself is brute-force.e2e-spec.ts's.
        expect(verify).toHaveBeenCalledTimes(row.argon2Calls ?? 1);
        for (const [hash] of verify.mock.calls) expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
      }
      const [known, unknown] = answers;
      expect(known.redirectedTo).toBeUndefined();
      expect({ status: known.status, cookies: cookieNames(known) }).toEqual({ status: unknown.status, cookies: cookieNames(unknown) });
      expect(known.status).toBe(200);
      expect(normalised(known)).toBe(normalised(unknown));
      expect(known.document().querySelector('[role="alert"]')?.text.trim()).toBe('Invalid username or password.');
    });
  });

  describe('SQL in the sign-in form never signs anyone in', () => {
    let victim: TestUser & { subject: string };
    beforeAll(async () => {
      victim = await person();
    });

    const rows: { name: string; username: (v: TestUser) => string; password?: (v: TestUser) => string }[] = [
      { name: "username ' OR '1'='1 with the victim's password", username: () => "' OR '1'='1" },
      { name: "username ' OR 1=1 -- with the victim's password", username: () => "' OR 1=1 --" },
      { name: 'username " OR ""=" with the victim\'s password', username: () => '" OR ""="' },
      { name: "the victim's name closed by ' --", username: (v) => `${v.username}' --` },
      { name: "the victim's name closed by '#", username: (v) => `${v.username}'#` },
      { name: "the victim's name closed by '/*", username: (v) => `${v.username}'/*` },
      { name: 'a UNION SELECT', username: () => "x' UNION SELECT * FROM users --" },
      { name: 'a stacked query', username: (v) => `${v.username}'; UPDATE users SET disabled = 0; --` },
      { name: 'a LIKE wildcard', username: (v) => `${v.username.slice(0, 4)}%` },
      { name: 'a single-character wildcard', username: (v) => `${v.username.slice(0, -1)}_` },
      { name: 'a null byte after the victim\'s name', username: (v) => `${v.username}\u0000` },
      { name: "the victim's name with password ' OR '1'='1", username: (v) => v.username, password: () => "' OR '1'='1" },
      { name: "the victim's name with password ' OR 1=1 --", username: (v) => v.username, password: () => "x' OR 1=1 --" },
    ];

    it.each(rows)('$name', async (row) => {
      expect(await signedInAs(row.username(victim), (row.password ?? ((v) => v.password))(victim))).toBeNull();
    });
  });

  describe('look-alike usernames: only the documented folding (NFKC, case) reaches an account', () => {
    // The victim's name has every letter a look-alike below needs: fi, i, o and ss.
    const base = () => `fionass${randomBytes(3).toString('hex')}`;
    // The last three rows: the key columns' accent-insensitive collation on MySQL/MariaDB equates ì and ò
    // (and, under utf8mb4_general_ci, ı) with the plain letters, so the index alone would let "fıona",
    // "fìona" and "fiòna" reach "fiona"; UserRepository.findByLogin then compares the exact key, as SQLite does.
    const rows: { name: string; lookalike: (name: string) => string }[] = [
      { name: 'fullwidth letters', lookalike: (n) => [...n].map((c) => String.fromCodePoint(c.codePointAt(0)! + 0xfee0)).join('') },
      { name: 'upper case', lookalike: (n) => n.toUpperCase() },
      { name: 'the ﬁ ligature', lookalike: (n) => n.replace('fi', '\ufb01') },
      { name: 'leading and trailing spaces', lookalike: (n) => `  ${n}  ` },
      { name: 'a Turkish dotted İ', lookalike: (n) => n.replace('i', '\u0130') },
      { name: 'a Cyrillic о', lookalike: (n) => n.replace('o', '\u043e') },
      { name: 'a zero-width space inside (ignorable in MySQL collations)', lookalike: (n) => `${n.slice(0, 2)}\u200b${n.slice(2)}` },
      { name: 'a soft hyphen inside', lookalike: (n) => `${n.slice(0, 2)}\u00ad${n.slice(2)}` },
      { name: 'a trailing tab and newline', lookalike: (n) => `${n}\t\n` },
      { name: 'a trailing no-break space', lookalike: (n) => `${n}\u00a0` },
      { name: 'the German ß for ss (MySQL collations equate them)', lookalike: (n) => n.replace('ss', '\u00df') },
      { name: 'a dotless ı for i (MySQL collations equate them)', lookalike: (n) => n.replace('i', '\u0131') },
      { name: 'i with a combining grave accent (NFKC composes it to ì)', lookalike: (n) => n.replace('i', 'i\u0300') },
      { name: 'a precomposed ò for o', lookalike: (n) => n.replace('o', '\u00f2') },
    ];

    it.each(rows)('$name', async ({ lookalike }) => {
      const victim = await person(base());
      const name = lookalike(victim.username);
      const sameAccount = loginKey(name) === loginKey(victim.username);

      // With the victim's password: the victim only when the name folds to the victim's own key.
      expect(await signedInAs(name, victim.password)).toBe(sameAccount ? victim.subject : null);

      // A look-alike account, where one can be made, is somebody else: never the victim.
      const attackerPassword = `Att4cker-${randomBytes(6).toString('hex')}`;
      const attacker = await users.create({ username: name, password: attackerPassword }).catch((err: unknown) => {
        if (err instanceof UserAlreadyExists || err instanceof InvalidUserInput) return null;
        throw err;
      });
      if (sameAccount) expect(attacker).toBeNull();
      const asAttacker = await signedInAs(name, attackerPassword);
      expect(asAttacker).not.toBe(victim.subject);
      expect(asAttacker).toBe(attacker?.id ?? null);
      expect(await signedInAs(victim.username, attackerPassword)).toBeNull();
    });
  });

  describe('forged form posts: login, consent and logout CSRF (OWASP CSRF Cheat Sheet)', () => {
    interface Forgery {
      name: string;
      /** The form body and options for a POST from the victim's browser, given its real form fields and another browser's. */
      forge: (mine: Record<string, string>, theirs: Record<string, string>) => { body: string; contentType?: string; headers?: Record<string, string>; dropCookies?: boolean; query?: string; tamperCookie?: boolean };
      status?: number;
    }
    const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
    const without = (fields: Record<string, string>, name: string) => Object.fromEntries(Object.entries(fields).filter(([k]) => k !== name));
    const flip = (token: string) => (token[0] === 'A' ? 'B' : 'A') + token.slice(1);

    const forgeries: Forgery[] = [
      { name: 'without the CSRF field', forge: (m) => ({ body: form(without(m, '_csrf')) }) },
      { name: 'with an empty CSRF field', forge: (m) => ({ body: form({ ...m, _csrf: '' }) }) },
      { name: 'with a random token of the right shape', forge: (m) => ({ body: form({ ...m, _csrf: randomBytes(32).toString('base64url') }) }) },
      { name: 'with another browser\'s valid token', forge: (m, t) => ({ body: form({ ...m, _csrf: t._csrf }) }) },
      { name: 'with one character of the token changed', forge: (m) => ({ body: form({ ...m, _csrf: flip(m._csrf) }) }) },
      { name: 'with the token cut short', forge: (m) => ({ body: form({ ...m, _csrf: m._csrf.slice(0, -1) }) }) },
      { name: 'with the token but without the CSRF cookie', forge: (m) => ({ body: form(m), dropCookies: true }) },
      { name: 'with the token and a tampered CSRF cookie', forge: (m) => ({ body: form(m), tamperCookie: true }) },
      { name: 'with the token twice', forge: (m) => ({ body: `${form(m)}&_csrf=${encodeURIComponent(m._csrf)}` }), status: 400 },
      { name: 'with the token in the query string', forge: (m) => ({ body: form(without(m, '_csrf')), query: `?_csrf=${encodeURIComponent(m._csrf)}` }) },
      { name: 'with the token in an X-CSRF-Token header', forge: (m) => ({ body: form(without(m, '_csrf')), headers: { 'x-csrf-token': m._csrf } }) },
      { name: 'as text/plain (a form an attacker\'s page can send)', forge: (m) => ({ body: form(m), contentType: 'text/plain' }) },
      { name: 'as JSON', forge: (m) => ({ body: JSON.stringify(m), contentType: 'application/json' }) },
    ];

    function fieldsOf(page: Page): Record<string, string> {
      const out: Record<string, string> = {};
      for (const input of page.document().querySelectorAll('form input[type="hidden"]')) out[input.getAttribute('name')!] = input.getAttribute('value') ?? '';
      return out;
    }

    async function forge(b: Browser, path: string, mine: Record<string, string>, theirs: Record<string, string>, forgery: Forgery) {
      const shape = forgery.forge(mine, theirs);
      if (shape.tamperCookie) {
        const csrf = b.cookiesFor(provider.loginUiUrl).find((c) => c.name === 'tessera_ui_csrf')!;
        const tampered = new Browser(provider.origins);
        // A browser of the attacker's making that carries the victim's cookies except a changed CSRF cookie.
        for (const c of b.cookiesFor(provider.loginUiUrl)) plantCookie(tampered, provider.loginUiUrl, c.name, c.name === csrf.name ? flip(c.value) : c.value);
        b = tampered;
      }
      const answer = await rawPost(b, path, shape.body, shape);
      expect(answer.status).toBe(forgery.status ?? 403);
      expect(answer.headers.get('location')).toBeNull();
      expect(answer.headers.getSetCookie().some((c) => c.startsWith(`${SSO_COOKIE}=`))).toBe(false);
      expectNoLeak(answer.text);
      expectInertHtml(answer.text);
      return answer;
    }

    async function otherBrowsersFields(): Promise<Record<string, string>> {
      return fieldsOf(await loginPage(browser()));
    }

    it.each(forgeries)('login $name: refused, and the sign-in is still pending', async (forgery) => {
      const user = await person();
      const b = browser();
      const page = await loginPage(b);
      await forge(b, '/login', { ...fieldsOf(page), username: user.username, password: user.password }, await otherBrowsersFields(), forgery);
      // Nothing was accepted: the same challenge still shows its form, and the browser has no session.
      const again = await b.get(page.url);
      expect(again.status).toBe(200);
      expect(hasPasswordForm(again)).toBe(true);
      expect(b.cookiesFor(provider.issuer).map((c) => c.name)).not.toContain(SSO_COOKIE);
    });

    it.each(forgeries)('consent $name: refused, nothing granted', async (forgery) => {
      const user = await person();
      const b = browser();
      const consent = await b.submit(await loginPage(b), undefined, { username: user.username, password: user.password }, 'Sign in');
      expect(new URL(consent.url).pathname).toBe('/consent');
      await forge(b, '/consent', { ...fieldsOf(consent), decision: 'allow', remember: 'on' }, await otherBrowsersFields(), forgery);
      const again = await b.get(consent.url);
      expect(again.status).toBe(200);
      expect(new URL(again.url).pathname).toBe('/consent');
      // Nor remembered: a new request of the same client asks again.
      const next = await b.get((await authRequest(client)).url);
      expect(next.redirectedTo).toBeUndefined();
      expect(new URL(next.url).pathname).toBe('/consent');
    });

    it.each(forgeries)('logout $name: refused, still signed in', async (forgery) => {
      const user = await person();
      const b = browser();
      const { tokens } = await codeFlow(b, client, user);
      const confirm = await b.get(oidc.buildEndSessionUrl(client.config, { id_token_hint: tokens.id_token! }));
      expect(new URL(confirm.url).pathname).toBe('/logout');
      await forge(b, '/logout', { ...fieldsOf(confirm), decision: 'accept' }, await otherBrowsersFields(), forgery);
      const request = await authRequest(client, { prompt: 'none' });
      const stillIn = await signIn(b, request.url, undefined);
      expect(stillIn.callback?.searchParams.get('code')).toBeTruthy();
    });
  });

  describe('session fixation: a session cookie planted before sign-in is never the one after it (OWASP ASVS V7.2.4)', () => {
    const plants: { name: string; value: (attackerCookie: string) => string }[] = [
      { name: 'a random value the attacker chose', value: () => randomBytes(32).toString('base64url') },
      { name: 'the attacker\'s own live session', value: (attacker) => attacker },
      { name: 'a value of 4 KB', value: () => 'a'.repeat(4000) },
      { name: 'a value with cookie syntax in it', value: () => 'x%3B%20Path%3D%2F%3B%20tessera_sso%3Dy' },
    ];

    it.each(plants)('$name', async ({ value }) => {
      const attacker = await person();
      const attackerBrowser = browser();
      await codeFlow(attackerBrowser, client, attacker);
      const attackerCookie = attackerBrowser.cookiesFor(provider.issuer).find((c) => c.name === SSO_COOKIE)!.value;
      const planted = value(attackerCookie);

      const victim = await person();
      const b = browser();
      plantCookie(b, provider.issuer, SSO_COOKIE, planted);
      // prompt=login: the victim signs in with their own password, whatever the planted cookie is.
      const { tokens } = await codeFlow(b, client, victim, { prompt: 'login' });
      expect(tokens.claims()!.sub).toBe(victim.subject);
      const after = b.cookiesFor(provider.issuer).find((c) => c.name === SSO_COOKIE);
      expect(after?.value).toBeDefined();
      expect(after!.value).not.toBe(planted);
      expect(after!.httpOnly).toBe(true);

      // The planted value opens nothing: a browser holding only it is not signed in as the victim.
      const holder = browser();
      plantCookie(holder, provider.issuer, SSO_COOKIE, planted);
      const request = await authRequest(client, { prompt: 'none' });
      const result = await signIn(holder, request.url, undefined);
      const code = result.callback?.searchParams.get('code');
      if (code) {
        const grant = await oidc.authorizationCodeGrant(client.config, result.callback!, { pkceCodeVerifier: request.verifier, expectedState: request.state, expectedNonce: request.nonce });
        expect(grant.claims()!.sub).not.toBe(victim.subject);
      }
      // A new sign-in in a browser ends the session that browser had before (sign-in-flow resume).
      if (planted === attackerCookie) expect(result.callback?.searchParams.get('error')).toBe('login_required');
    });
  });

  describe('clickjacking and script: every page forbids framing and inline script', () => {
    const pages: { name: string; open: () => Promise<{ status: number; headers: Headers; body: string }> }[] = [
      { name: 'the sign-in page', open: async () => loginPage(browser()) },
      { name: 'the sign-in page after a wrong password', open: async () => {
        const b = browser();
        return b.submit(await loginPage(b), undefined, { username: 'nobody', password: 'wrong-password' }, 'Sign in');
      } },
      { name: 'the consent page', open: async () => {
        const b = browser();
        const user = await person();
        return b.submit(await loginPage(b), undefined, { username: user.username, password: user.password }, 'Sign in');
      } },
      { name: 'the sign-out confirmation', open: async () => {
        const b = browser();
        const { tokens } = await codeFlow(b, client, await person());
        return b.get(oidc.buildEndSessionUrl(client.config, { id_token_hint: tokens.id_token! }));
      } },
      { name: 'the signed-out page', open: () => browser().get(`${provider.loginUiUrl}/logged-out`) },
      { name: 'the home page', open: () => browser().get(`${provider.loginUiUrl}/`) },
      { name: 'the error page', open: () => browser().get(`${provider.loginUiUrl}/error?error=invalid_request`) },
      { name: 'the expired-link page', open: () => browser().get(`${provider.loginUiUrl}/login?login_challenge=${'x'.repeat(43)}`) },
      { name: 'the not-found page', open: () => browser().get(`${provider.loginUiUrl}/no-such-page`) },
      { name: 'the refused-form page', open: async () => asPage(await rawPost(browser(), '/login', 'username=a&password=b')) },
      { name: 'the malformed-form page', open: async () => asPage(await rawPost(browser(), '/login', 'username=a&username=b')) },
      { name: 'the stylesheet', open: () => browser().get(`${provider.loginUiUrl}/static/tessera.css`) },
    ];

    it.each(pages)('$name', async ({ open }) => {
      const page = await open();
      expect(page.status).toBeLessThan(500);
      expectPageSecurityHeaders(page.headers);
      expect(page.headers.get('referrer-policy')).toBe('no-referrer');
      if (/<html/i.test(page.body)) expectInertHtml(page.body);
    });
  });

  describe('open redirects: the browser only ever goes where the token service said', () => {
    const RETURN_PARAMS = ['return_to', 'returnTo', 'redirect', 'redirect_uri', 'redirect_to', 'next', 'url', 'continue', 'goto', 'callback', 'dest'];
    const EVIL = 'https://attacker.example/landing';

    it.each(RETURN_PARAMS)('%s on the sign-in page and in the sign-in form', async (param) => {
      const user = await person();
      const b = browser();
      const request = await authRequest(client);
      const first = await b.get(request.url);
      const withParam = new URL(first.url);
      withParam.searchParams.set(param, EVIL);
      const page = await b.get(withParam);
      expect(hasPasswordForm(page)).toBe(true);
      expect(page.body).not.toContain('attacker.example');
      const after = await b.submit(page, undefined, { username: user.username, password: user.password, [param]: EVIL }, 'Sign in');
      const done = after.redirectedTo ? after : await b.submit(after, undefined, { [param]: EVIL }, 'Allow');
      expect(`${done.redirectedTo?.origin}${done.redirectedTo?.pathname}`).toBe(REDIRECT_URI);
      for (const hop of done.visited) expect(new URL(hop).hostname).not.toBe('attacker.example');
    });

    it.each(RETURN_PARAMS)('%s on the sign-out page', async (param) => {
      const b = browser();
      const { tokens } = await codeFlow(b, client, await person());
      const url = new URL(oidc.buildEndSessionUrl(client.config, { id_token_hint: tokens.id_token! }));
      const confirm = await b.get(url);
      const withParam = new URL(confirm.url);
      withParam.searchParams.set(param, EVIL);
      const page = await b.get(withParam);
      const done = await b.submit(page, undefined, { [param]: EVIL }, 'Sign out');
      expect(done.redirectedTo).toBeUndefined();
      expect(`${new URL(done.url).origin}${new URL(done.url).pathname}`).toBe(`${provider.loginUiUrl}/logged-out`);
    });

    const paths: { name: string; path: string }[] = [
      { name: 'a protocol-relative path', path: '//attacker.example/' },
      { name: 'a backslash path', path: '/\\attacker.example/' },
      { name: 'the static folder without its slash', path: '/static' },
      { name: 'a protocol-relative path under static', path: '/static//attacker.example/..' },
      { name: 'an encoded protocol-relative path', path: '/%2f%2fattacker.example/' },
      { name: 'the error page with a redirect parameter', path: `/error?error=invalid_request&redirect_uri=${encodeURIComponent(EVIL)}` },
      { name: 'the home page with next', path: `/?next=${encodeURIComponent(EVIL)}` },
      { name: 'the signed-out page with return_to', path: `/logged-out?return_to=${encodeURIComponent(EVIL)}` },
    ];

    it.each(paths)('the login UI never redirects off its origin: $name', async ({ path }) => {
      const res = await fetch(`${provider.loginUiUrl}${path}`, { redirect: 'manual' });
      const location = res.headers.get('location');
      if (location !== null) {
        expect(new URL(location, provider.loginUiUrl).origin).toBe(provider.loginUiUrl);
        expect(location).not.toMatch(/^(\/\/|\/\\|[a-z]+:)/i);
      }
      expectNoLeak(await res.text());
    });

    it.each([
      { name: 'an unregistered post_logout_redirect_uri without any client', params: { post_logout_redirect_uri: EVIL } },
      { name: 'an unregistered post_logout_redirect_uri with client_id', params: (): Record<string, string> => ({ post_logout_redirect_uri: EVIL, client_id: client.clientId }) },
      { name: 'a look-alike of the registered one', params: (): Record<string, string> => ({ post_logout_redirect_uri: `${POST_LOGOUT_URI}/`, client_id: client.clientId }) },
      { name: 'the registered one with a query added', params: (): Record<string, string> => ({ post_logout_redirect_uri: `${POST_LOGOUT_URI}?next=${EVIL}`, client_id: client.clientId }) },
    ])('logout never redirects to $name', async ({ params }) => {
      const url = new URL(`${provider.issuer}/oauth2/logout`);
      url.search = new URLSearchParams(typeof params === 'function' ? params() : params).toString();
      const page = await browser().get(url);
      expect(page.redirectedTo).toBeUndefined();
      expect(page.status).toBe(400);
      expect(page.body).not.toContain('attacker.example');
    });
  });
});

function asPage(answer: { status: number; headers: Headers; text: string }): { status: number; headers: Headers; body: string } {
  return { status: answer.status, headers: answer.headers, body: answer.text };
}

function cookieNames(page: Page): string[] {
  return page.headers.getSetCookie().map((c) => c.split('=')[0]).sort();
}

/**
 * Puts a cookie into a test browser as an attacker able to set cookies for the host would (a
 * sibling subdomain, or a plain-http response on the path): the Browser keeps cookies by RFC 6265
 * rules and has no public setter, so its own Set-Cookie handling is used.
 */
function plantCookie(b: Browser, url: string, name: string, value: string): void {
  (b as unknown as { store(url: URL, header: string): void }).store(new URL(url), `${name}=${value}; Path=/`);
}
