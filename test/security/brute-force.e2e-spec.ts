/**
 * Brute force and abuse, over real HTTP against the real apps (issue 6): the per-account lockout
 * through the login form, per-address rate limits on sign-in, token, registration and
 * introspection, the bounded argon2 work, and trusted proxies.
 *
 * Requests come from different loopback addresses (127.0.0.x; Linux routes all of 127/8 to `lo`)
 * so that each test has client addresses of its own, and time is moved with the apps' injectable
 * Clock instead of sleeping.
 */
import type { INestApplication } from '@nestjs/common';
import { Clock } from '@tessera/abuse';
import { request as httpRequest } from 'node:http';
import { DataSource } from 'typeorm';
import { Users } from '../../apps/login-ui/src/users/users.service';
import { Browser } from '../e2e/browser';
import { Provider, RegisteredClient, startProvider, TestUser } from '../e2e/harness';
import { authRequest, hasPasswordForm } from '../e2e/sign-in';

// The argon2 module object itself, so that a spy sees the calls the login UI's PasswordHasher makes.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const argon2 = require('@node-rs/argon2') as typeof import('@node-rs/argon2');

const INVALID_CREDENTIALS = 'Invalid username or password.';

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

let lastOctet = 10;
/** A loopback address no other test of this file sends from. */
function freshAddress(): string {
  lastOctet += 1;
  if (lastOctet > 254) throw new Error('out of loopback addresses');
  return `127.0.0.${lastOctet}`;
}

/** One request from the given local address, on a connection of its own. */
function send(url: string, options: { method?: string; headers?: Record<string, string>; body?: string; from?: string } = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, {
      method: options.method ?? 'GET',
      headers: { ...(options.body !== undefined ? { 'content-length': String(Buffer.byteLength(options.body)) } : {}), ...options.headers },
      localAddress: options.from,
      agent: false,
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

function postForm(url: string, fields: Record<string, string>, options: { headers?: Record<string, string>; from?: string } = {}): Promise<RawResponse> {
  return send(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...options.headers },
    body: new URLSearchParams(fields).toString(),
    from: options.from,
  });
}

function basicAuth(client: RegisteredClient): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(client.clientId)}:${encodeURIComponent(client.clientSecret!)}`).toString('base64')}`;
}

/** Stops the app's abuse clock at the current time; the test moves it on explicitly. */
function freezeClock(app: INestApplication): { advance(seconds: number): void; now(): number } {
  let time = Date.now();
  jest.spyOn(app.get(Clock), 'now').mockImplementation(() => time);
  return { advance: (seconds) => { time += seconds * 1000; }, now: () => time };
}

/** The login form of a fresh authorization request, as a browser has it: fields, cookie, action. */
interface LoginForm {
  url: string;
  fields: Record<string, string>;
  cookie: string;
}

async function openLoginForm(provider: Provider, client: RegisteredClient): Promise<LoginForm> {
  const browser = new Browser(provider.origins);
  const page = await browser.get((await authRequest(client)).url);
  if (!hasPasswordForm(page)) throw new Error(`no login form at ${page.url} (${page.status})`);
  const fields: Record<string, string> = {};
  for (const input of page.document().querySelectorAll('form input[type="hidden"]')) {
    fields[input.getAttribute('name')!] = input.getAttribute('value') ?? '';
  }
  const url = `${provider.loginUiUrl}/login`;
  const cookie = browser.cookiesFor(url).map((c) => `${c.name}=${c.value}`).join('; ');
  return { url, fields, cookie };
}

/** Submits the form with these credentials, CSRF token and cookie included, like the browser would. */
function submitLogin(form: LoginForm, credentials: { username: string; password: string }, options: { from?: string; headers?: Record<string, string> } = {}): Promise<RawResponse> {
  return postForm(form.url, { ...form.fields, ...credentials }, { from: options.from, headers: { cookie: form.cookie, ...options.headers } });
}

function expectLoginFormAgain(res: RawResponse): void {
  expect(res.status).toBe(200);
  expect(res.body).toContain(INVALID_CREDENTIALS);
  expect(res.body).toContain('name="password"');
}

function expectSignedIn(res: RawResponse, provider: Provider): void {
  expect(res.status).toBe(303);
  expect(String(res.headers.location)).toMatch(new RegExp(`^${provider.issuer}/`));
}

function expectRetryAfter(res: RawResponse, max: number): void {
  expect(res.headers['retry-after']).toMatch(/^\d+$/);
  const seconds = Number(res.headers['retry-after']);
  expect(seconds).toBeGreaterThanOrEqual(1);
  expect(seconds).toBeLessThanOrEqual(max);
}

const REDIRECT_URI = 'https://partner.example/callback';

describe('account lockout through the login form', () => {
  let provider: Provider;
  let client: RegisteredClient;
  let users: Users;
  let clock: ReturnType<typeof freezeClock>;

  beforeAll(async () => {
    provider = await startProvider({
      // The threshold is the parallel batch: 50 concurrent wrong passwords must count 50 and lock.
      LOCKOUT_MAX_FAILURES: '50', LOCKOUT_WAIT_SECONDS: '60', LOCKOUT_MAX_WAIT_SECONDS: '900',
      // Every request here comes from 127.0.0.1; the per-address limit has its own tests below.
      RATE_LIMIT_LOGIN: '1000/60',
    });
    client = await provider.registerClient({ redirect_uris: [REDIRECT_URI] });
    users = provider.loginUiApp.get(Users);
  });
  afterAll(() => provider?.close());
  beforeEach(() => { clock = freezeClock(provider.loginUiApp); });
  afterEach(() => jest.restoreAllMocks());

  /** The `sub` of a user the harness created, from the login UI's own directory. */
  async function idOf(username: string): Promise<string | undefined> {
    const rows = (await provider.loginUiApp.get(DataSource).query('SELECT id FROM users WHERE username = ?', [username])) as { id: string }[];
    return rows[0]?.id;
  }

  /** 50 concurrent wrong passwords at one account, each with a valid CSRF token, as a browser sends them. */
  async function fiftyWrongPasswords(): Promise<{ user: TestUser; id: string; form: LoginForm; responses: RawResponse[] }> {
    const user = await provider.createUser();
    const form = await openLoginForm(provider, client);
    const responses = await Promise.all(Array.from({ length: 50 }, (_, i) => submitLogin(form, { username: user.username, password: `wrong-${i}` })));
    return { user, id: (await idOf(user.username))!, form, responses };
  }

  it('counts 50 concurrent wrong passwords exactly, and locks the account at the threshold', async () => {
    const { id, responses } = await fiftyWrongPasswords();
    for (const res of responses) expectLoginFormAgain(res);
    expect(await users.lockoutStatus(id)).toEqual({ failures: 50, lockedUntil: clock.now() + 60_000 });
  });

  it('refuses the right password while locked, with the very page a wrong one gets', async () => {
    const { user, id, form } = await fiftyWrongPasswords();
    const wrong = await submitLogin(form, { username: user.username, password: 'still-wrong' });
    const right = await submitLogin(form, { username: user.username, password: user.password });
    expectLoginFormAgain(right);
    // Same challenge, same CSRF cookie, same username: the lock shows in no byte of the answer.
    expect(right.body).toBe(wrong.body);
    expect(right.headers['retry-after']).toBeUndefined();
    expect((await users.lockoutStatus(id))?.failures).toBe(50);
  });

  it('lets the right password in once the wait is over, and forgets the failures', async () => {
    const { user, id, form } = await fiftyWrongPasswords();
    clock.advance(59);
    expectLoginFormAgain(await submitLogin(form, { username: user.username, password: user.password }));
    clock.advance(1);
    expectSignedIn(await submitLogin(form, { username: user.username, password: user.password }), provider);
    expect(await users.lockoutStatus(id)).toEqual({ failures: 0, lockedUntil: null });
  });

  it('answers an unknown username with the same page as a wrong password', async () => {
    const form = await openLoginForm(provider, client);
    const user = await provider.createUser();
    const wrong = await submitLogin(form, { username: user.username, password: 'not-the-password' });
    const unknownName = `nobody${user.username}`;
    const unknown = await submitLogin(form, { username: unknownName, password: 'not-the-password' });
    expectLoginFormAgain(unknown);
    expect(unknown.body.replaceAll(unknownName, user.username)).toBe(wrong.body);
  });
});

describe('per-address limit on sign-in (login UI)', () => {
  let provider: Provider;
  let client: RegisteredClient;
  let user: TestUser;
  let clock: ReturnType<typeof freezeClock>;

  beforeAll(async () => {
    provider = await startProvider({ RATE_LIMIT_LOGIN: '3/60' });
    client = await provider.registerClient({ redirect_uris: [REDIRECT_URI] });
    user = await provider.createUser();
  });
  afterAll(() => provider?.close());
  beforeEach(() => { clock = freezeClock(provider.loginUiApp); });
  afterEach(() => jest.restoreAllMocks());

  async function exhaust(form: LoginForm, from: string): Promise<void> {
    for (let i = 0; i < 3; i++) expectLoginFormAgain(await submitLogin(form, { username: user.username, password: `wrong-${i}` }, { from }));
  }

  it('answers the 4th sign-in from one address within the minute with 429, Retry-After and a page, without checking the password', async () => {
    const form = await openLoginForm(provider, client);
    const from = freshAddress();
    await exhaust(form, from);
    clock.advance(20);
    const verify = jest.spyOn(argon2, 'verify');
    const res = await submitLogin(form, { username: user.username, password: user.password }, { from });
    expect(res.status).toBe(429);
    expect(res.headers['retry-after']).toBe('40');
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toContain('Too many sign-in attempts');
    expect(res.body).not.toContain('name="password"');
    expect(verify).not.toHaveBeenCalled();
  });

  it('leaves other addresses alone', async () => {
    const form = await openLoginForm(provider, client);
    await exhaust(form, freshAddress());
    expectSignedIn(await submitLogin(form, { username: user.username, password: user.password }, { from: freshAddress() }), provider);
  });

  it('does not limit showing the form, only submitting it', async () => {
    const form = await openLoginForm(provider, client);
    const from = freshAddress();
    await exhaust(form, from);
    const page = await send(`${form.url}?login_challenge=${encodeURIComponent(form.fields.login_challenge)}`, { from, headers: { cookie: form.cookie } });
    expect(page.status).toBe(200);
    expect(page.body).toContain('name="password"');
  });

  it('ignores X-Forwarded-For from a peer that is not a trusted proxy', async () => {
    const form = await openLoginForm(provider, client);
    const from = freshAddress();
    await exhaust(form, from);
    const spoofed = await submitLogin(form, { username: user.username, password: user.password }, { from, headers: { 'x-forwarded-for': '198.51.100.77' } });
    expect(spoofed.status).toBe(429);
  });

  it('allows the address again once the window has passed', async () => {
    const form = await openLoginForm(provider, client);
    const from = freshAddress();
    await exhaust(form, from);
    clock.advance(59);
    expect((await submitLogin(form, { username: user.username, password: user.password }, { from })).status).toBe(429);
    clock.advance(1);
    expectSignedIn(await submitLogin(form, { username: user.username, password: user.password }, { from }), provider);
  });
});

describe('bounded argon2 work (login UI)', () => {
  let provider: Provider;
  let client: RegisteredClient;
  let user: TestUser;

  beforeAll(async () => {
    provider = await startProvider({ ARGON2_MAX_CONCURRENCY: '1', ARGON2_MAX_QUEUE: '1' });
    client = await provider.registerClient({ redirect_uris: [REDIRECT_URI] });
    user = await provider.createUser();
  });
  afterAll(() => provider?.close());
  afterEach(() => jest.restoreAllMocks());

  it('answers the third of three concurrent sign-ins with 503 and Retry-After, and serves the other two', async () => {
    // The first verification is held until the refusal has been seen, so that all three sign-ins
    // meet at the gate whatever the machine's speed: one runs, one waits, one is refused.
    let release!: () => void;
    const held = new Promise<void>((resolve) => { release = resolve; });
    const realVerify = argon2.verify;
    let verifications = 0;
    jest.spyOn(argon2, 'verify').mockImplementation(async (...args: Parameters<typeof argon2.verify>) => {
      // Three at once means nothing held them back: let them finish, so the test fails instead of hanging.
      if (++verifications === 3) release();
      await held;
      return realVerify(...args);
    });
    const forms = await Promise.all([1, 2, 3].map(() => openLoginForm(provider, client)));
    const pending = forms.map((form) => submitLogin(form, { username: user.username, password: user.password }));

    const first = await Promise.race(pending);
    expect(first.status).toBe(503);
    expect(first.headers['retry-after']).toBe('5');
    expect(first.body).toContain('Tessera is busy right now');
    release();

    const all = await Promise.all(pending);
    expect(all.map((r) => r.status).sort()).toEqual([303, 303, 503]);
    for (const res of all.filter((r) => r.status === 303)) expectSignedIn(res, provider);
  });
});

describe('per-address limits at the token service', () => {
  let provider: Provider;
  let client: RegisteredClient;
  let clock: ReturnType<typeof freezeClock>;
  let tokenEndpoint: string;

  beforeAll(async () => {
    provider = await startProvider({ RATE_LIMIT_TOKEN: '3/60', RATE_LIMIT_REGISTER: '2/60', RATE_LIMIT_INTROSPECT: '3/60' });
    client = await provider.registerClient({ redirect_uris: [REDIRECT_URI], grant_types: ['client_credentials'] });
    tokenEndpoint = `${provider.issuer}/oauth2/token`;
  });
  afterAll(() => provider?.close());
  beforeEach(() => { clock = freezeClock(provider.tokenServiceApp); });
  afterEach(() => jest.restoreAllMocks());

  const routes: { name: string; limit: number; call(from: string, headers?: Record<string, string>): Promise<RawResponse>; ok: number }[] = [
    {
      name: 'POST /oauth2/token',
      limit: 3,
      ok: 200,
      call: (from, headers) => postForm(tokenEndpoint, { grant_type: 'client_credentials' }, { from, headers: { authorization: basicAuth(client), ...headers } }),
    },
    {
      name: 'POST /oauth2/introspect',
      limit: 3,
      ok: 200,
      call: (from, headers) => postForm(`${provider.issuer}/oauth2/introspect`, { token: 'not-a-token' }, { from, headers: { authorization: basicAuth(client), ...headers } }),
    },
    {
      name: 'POST /oauth2/register',
      limit: 2,
      ok: 201,
      call: (from, headers) => send(`${provider.issuer}/oauth2/register`, {
        method: 'POST',
        from,
        headers: { authorization: `Bearer ${provider.initialAccessToken}`, 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ client_name: 'rate limited', redirect_uris: [REDIRECT_URI] }),
      }),
    },
  ];

  function expectThrottled(res: RawResponse): void {
    expect(res.status).toBe(429);
    expectRetryAfter(res, 60);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['cache-control']).toBe('no-store');
    const body = JSON.parse(res.body) as Record<string, unknown>;
    expect(body).toEqual({ error: 'temporarily_unavailable', error_description: expect.stringMatching(/too many requests/) });
    expect(body).not.toHaveProperty('access_token');
  }

  describe.each(routes)('$name', (route) => {
    async function exhaust(from: string): Promise<void> {
      for (let i = 0; i < route.limit; i++) expect((await route.call(from)).status).toBe(route.ok);
    }

    it('answers the request over the limit with 429, Retry-After and an RFC 6749 §5.2 body', async () => {
      const from = freshAddress();
      await exhaust(from);
      expectThrottled(await route.call(from));
    });

    it('leaves another address alone', async () => {
      await exhaust(freshAddress());
      expect((await route.call(freshAddress())).status).toBe(route.ok);
    });

    it('ignores X-Forwarded-For from a peer that is not a trusted proxy', async () => {
      const from = freshAddress();
      await exhaust(from);
      expectThrottled(await route.call(from, { 'x-forwarded-for': '198.51.100.23' }));
    });

    it('allows the address again once the window has passed', async () => {
      const from = freshAddress();
      await exhaust(from);
      clock.advance(59);
      expectThrottled(await route.call(from));
      clock.advance(1);
      expect((await route.call(from)).status).toBe(route.ok);
    });
  });

  it('counts each endpoint on its own', async () => {
    const from = freshAddress();
    for (let i = 0; i < 3; i++) await routes[0].call(from);
    expectThrottled(await routes[0].call(from));
    expect((await routes[1].call(from)).status).toBe(200);
  });
});

describe('trusted proxies', () => {
  let provider: Provider;
  let client: RegisteredClient;
  let user: TestUser;

  beforeAll(async () => {
    // The tests' own requests arrive from 127.0.0.1, which plays the reverse proxy here.
    provider = await startProvider({ TRUSTED_PROXIES: 'loopback', RATE_LIMIT_TOKEN: '2/60', RATE_LIMIT_LOGIN: '2/60' });
    client = await provider.registerClient({ redirect_uris: [REDIRECT_URI], grant_types: ['authorization_code', 'client_credentials'] });
    user = await provider.createUser();
  });
  afterAll(() => provider?.close());

  const token = (forwardedFor: string) => postForm(`${provider.issuer}/oauth2/token`, { grant_type: 'client_credentials' }, {
    from: '127.0.0.1',
    headers: { authorization: basicAuth(client), 'x-forwarded-for': forwardedFor },
  });

  it('counts the token endpoint under the address the proxy forwarded', async () => {
    expect((await token('198.51.100.1')).status).toBe(200);
    expect((await token('198.51.100.1')).status).toBe(200);
    expect((await token('198.51.100.1')).status).toBe(429);
    expect((await token('198.51.100.2')).status).toBe(200);
  });

  it('believes only the entry the proxy appended, not the ones a client put in front', async () => {
    expect((await token('198.51.100.3')).status).toBe(200);
    expect((await token('198.51.100.3')).status).toBe(200);
    expect((await token('203.0.113.50, 198.51.100.3')).status).toBe(429);
  });

  it('counts sign-ins under the forwarded address too', async () => {
    const form = await openLoginForm(provider, client);
    const attempt = (forwardedFor: string) => submitLogin(form, { username: user.username, password: 'wrong-password' }, { headers: { 'x-forwarded-for': forwardedFor } });
    expectLoginFormAgain(await attempt('198.51.100.4'));
    expectLoginFormAgain(await attempt('198.51.100.4'));
    expect((await attempt('198.51.100.4')).status).toBe(429);
    expectLoginFormAgain(await attempt('198.51.100.5'));
  });
});
