/**
 * The login helper against a real Tessera (token service + login UI, booted by the e2e harness),
 * with the cookie-keeping test browser playing the person.
 */
import { Browser } from '../../../test/e2e/browser';
import { Provider, RegisteredClient, startProvider, TestUser } from '../../../test/e2e/harness';
import { signIn } from '../../../test/e2e/sign-in';
import { freePorts } from '../../../test/support/free-port';
import { createLogin, Login, LoginError, LoginOptions } from './login';

// The partner's own site; never contacted: the browser stops when Tessera redirects there.
const REDIRECT_URI = 'http://127.0.0.1:9/callback';
const POST_LOGOUT_URI = 'http://127.0.0.1:9/';
const SECRET = 'a-sealing-secret-of-at-least-32-characters';

let provider: Provider;
let client: RegisteredClient;
let user: TestUser;

beforeAll(async () => {
  provider = await startProvider();
  client = await provider.registerClient({
    redirect_uris: [REDIRECT_URI],
    post_logout_redirect_uris: [POST_LOGOUT_URI],
    grant_types: ['authorization_code', 'refresh_token'],
  });
  user = await provider.createUser({ name: 'Grace Hopper' });
});

afterAll(async () => {
  await provider?.close();
});

function loginFor(overrides: Partial<LoginOptions> = {}): Login {
  return createLogin({
    issuer: provider.issuer,
    clientId: client.clientId,
    clientSecret: client.clientSecret,
    redirectUri: REDIRECT_URI,
    scope: 'openid profile email offline_access',
    secret: SECRET,
    ...overrides,
  });
}

/** Runs the person's part of a sign-in from `url`; returns where Tessera sent the browser back. */
async function callbackFor(url: URL, person: TestUser = user, consent: 'Allow' | 'Deny' = 'Allow'): Promise<URL> {
  const result = await signIn(new Browser(provider.origins), url, person, consent);
  if (!result.callback) throw new Error(`the sign-in did not come back; last page ${result.page.url}`);
  return result.callback;
}

async function failure(promise: Promise<unknown>): Promise<LoginError> {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  if (!(err instanceof LoginError)) throw new Error(`expected a LoginError, got ${String(err)}`);
  return err;
}

describe('createLogin', () => {
  it('starts with an authorization URL carrying PKCE S256, state and nonce, and a sealed transaction', async () => {
    const { url, transaction } = await loginFor().start({ login_hint: user.username });
    expect(url.origin + url.pathname).toBe(`${provider.issuer}/oauth2/authorize`);
    const params = url.searchParams;
    expect(Object.fromEntries(params)).toMatchObject({
      response_type: 'code', client_id: client.clientId, redirect_uri: REDIRECT_URI,
      scope: 'openid profile email offline_access', code_challenge_method: 'S256', login_hint: user.username,
    });
    expect(params.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(params.get('state')).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(params.get('nonce')).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    // A compact JWE: nothing of what it protects is readable in it.
    expect(transaction.split('.')).toHaveLength(5);
    expect(transaction).not.toContain(params.get('state'));
  });

  it('finishes a sign-in with the tokens and the ID token\'s claims; the same callback cannot be redeemed twice', async () => {
    const login = loginFor();
    const { url, transaction } = await login.start();
    const callback = await callbackFor(url);
    expect(callback.searchParams.get('iss')).toBe(provider.issuer);

    const result = await login.finish(callback, transaction);
    expect(result.claims).toMatchObject({ iss: provider.issuer, aud: client.clientId, name: 'Grace Hopper', email: user.email, nonce: url.searchParams.get('nonce') });
    expect(result.idToken.split('.')).toHaveLength(3);
    expect(result.accessToken.split('.')).toHaveLength(3);
    expect(result.refreshToken).toEqual(expect.any(String));
    expect(result.expiresIn).toBeGreaterThan(0);
    expect(result.scope).toBe('openid profile email offline_access');

    const replay = await failure(login.finish(callback, transaction));
    expect(replay.code).toBe('ERR_LOGIN_TOKEN');
    expect(replay.error).toBe('invalid_grant');
  });

  it('refuses a callback whose iss is not the issuer (RFC 9207) before redeeming its code', async () => {
    const login = loginFor();
    const { url, transaction } = await login.start();
    const callback = await callbackFor(url);
    const mixedUp = new URL(callback);
    mixedUp.searchParams.set('iss', 'https://evil.example');
    expect((await failure(login.finish(mixedUp, transaction))).code).toBe('ERR_LOGIN_RESPONSE');
    // The code was not spent on the refused attempt.
    await expect(login.finish(callback, transaction)).resolves.toMatchObject({ claims: { email: user.email } });
  });

  it('refuses a callback that is not for the sign-in this transaction started (login CSRF)', async () => {
    const login = loginFor();
    const mine = await login.start();
    const theirs = await login.start();
    const callback = await callbackFor(theirs.url);
    expect((await failure(login.finish(callback, mine.transaction))).code).toBe('ERR_LOGIN_STATE');
    const stateless = new URL(callback);
    stateless.searchParams.delete('state');
    expect((await failure(login.finish(stateless, theirs.transaction))).code).toBe('ERR_LOGIN_STATE');
  });

  it('surfaces the provider\'s error with its OAuth code when the person denies consent', async () => {
    const login = loginFor();
    const { url, transaction } = await login.start();
    const callback = await callbackFor(url, await provider.createUser(), 'Deny');
    const err = await failure(login.finish(callback, transaction));
    expect(err.code).toBe('ERR_LOGIN_PROVIDER');
    expect(err.error).toBe('access_denied');
  });

  it.each([
    ['missing', () => ''],
    ['tampered with', (t: string) => `${t.slice(0, -4)}${t.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`],
    ['not a JWE', () => 'not.a.transaction'],
  ])('refuses a transaction that is %s', async (_case, mangle) => {
    const login = loginFor();
    const { transaction } = await login.start();
    const err = await failure(login.finish(new URL(`${REDIRECT_URI}?code=x&state=y`), mangle(transaction)));
    expect(err.code).toBe('ERR_LOGIN_TRANSACTION');
  });

  it('refuses a transaction sealed for another client, with another secret, or older than its lifetime', async () => {
    let now = Date.now();
    const login = loginFor({ now: () => now, transactionTtlSeconds: 600 });
    const { url, transaction } = await login.start();
    const callback = new URL(`${REDIRECT_URI}?code=x&state=${url.searchParams.get('state')}`);

    expect((await failure(loginFor({ clientId: 'another-client' }).finish(callback, transaction))).code).toBe('ERR_LOGIN_TRANSACTION');
    expect((await failure(loginFor({ secret: `${SECRET}-rotated` }).finish(callback, transaction))).code).toBe('ERR_LOGIN_TRANSACTION');
    now += 601_000;
    expect((await failure(login.finish(callback, transaction))).code).toBe('ERR_LOGIN_TRANSACTION');
  });

  it('builds the end-session URL with id_token_hint, the post-logout URI and state', async () => {
    const url = await loginFor().logoutUrl({ idToken: 'the.id.token', postLogoutRedirectUri: POST_LOGOUT_URI, state: 'bye' });
    expect(url.origin + url.pathname).toBe(`${provider.issuer}/oauth2/logout`);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      id_token_hint: 'the.id.token', post_logout_redirect_uri: POST_LOGOUT_URI, state: 'bye', client_id: client.clientId,
    });
  });

  it('reports an unreachable issuer as ERR_LOGIN_UNAVAILABLE, and tries again on the next call', async () => {
    const [port] = await freePorts(1);
    let requests = 0;
    const counting: typeof fetch = (input, init) => {
      requests++;
      return fetch(input, init);
    };
    const login = createLogin({ issuer: `http://127.0.0.1:${port}`, clientId: 'c', redirectUri: REDIRECT_URI, secret: SECRET, fetch: counting });
    expect((await failure(login.start())).code).toBe('ERR_LOGIN_UNAVAILABLE');
    expect((await failure(login.warmUp())).code).toBe('ERR_LOGIN_UNAVAILABLE');
    expect(requests).toBe(2); // a failed discovery is not cached
  });

  it.each([
    [{ issuer: 'http://id.example.com' }, /https/],
    [{ secret: 'too-short' }, /32 characters/],
    [{ transactionTtlSeconds: 5 }, /transactionTtlSeconds/],
  ])('refuses bad options when created: %p', (overrides, message) => {
    expect(() => createLogin({ issuer: 'https://id.example.com', clientId: 'c', redirectUri: REDIRECT_URI, secret: SECRET, ...overrides })).toThrow(message);
  });

  it('lets a plain-http issuer off the loopback interface through only with allowInsecureHttp', () => {
    expect(() => createLogin({ issuer: 'http://tessera.internal', clientId: 'c', redirectUri: REDIRECT_URI, secret: SECRET, allowInsecureHttp: true })).not.toThrow();
  });

  it('does not let extra parameters replace the ones that protect the flow', async () => {
    await expect(loginFor().start({ state: 'chosen-by-caller' })).rejects.toThrow(TypeError);
    await expect(loginFor().start({ code_challenge_method: 'plain' })).rejects.toThrow(TypeError);
  });
});
