import * as oidc from 'openid-client';
import { Browser } from './browser';
import { Provider, RegisteredClient, startProvider, TestUser } from './harness';
import { authRequest, codeFlow, hasPasswordForm, signIn } from './sign-in';

const REDIRECT_URI = 'https://partner.example/callback';
const POST_LOGOUT_URI = 'https://partner.example/signed-out';

describe('sign-in pages, single sign-on and logout', () => {
  let provider: Provider;
  let client: RegisteredClient;
  let user: TestUser;
  const browser = () => new Browser(provider.origins);

  beforeAll(async () => {
    provider = await startProvider();
    client = await provider.registerClient({
      redirect_uris: [REDIRECT_URI],
      post_logout_redirect_uris: [POST_LOGOUT_URI],
      grant_types: ['authorization_code', 'refresh_token'],
    });
    user = await provider.createUser();
  });
  afterAll(() => provider?.close());

  it('shows the form again with "Invalid username or password" for a wrong password, and issues no code', async () => {
    const request = await authRequest(client);
    const result = await signIn(browser(), request.url, { username: user.username, password: 'definitely-wrong-1' });
    expect(result.callback).toBeUndefined();
    expect(hasPasswordForm(result.page)).toBe(true);
    expect(result.page.document().text).toContain('Invalid username or password');
  });

  it('gives the same answer for a user that does not exist', async () => {
    const request = await authRequest(client);
    const result = await signIn(browser(), request.url, { username: `nobody-${oidc.randomState()}`, password: 'whatever-1' });
    expect(result.callback).toBeUndefined();
    expect(hasPasswordForm(result.page)).toBe(true);
    expect(result.page.document().text).toContain('Invalid username or password');
  });

  it('accepts the e-mail address in place of the username', async () => {
    const request = await authRequest(client);
    const result = await signIn(browser(), request.url, { username: user.email, password: user.password });
    expect(result.callback?.searchParams.get('code')).toBeTruthy();
  });

  it('refuses a login form posted without its CSRF token', async () => {
    const request = await authRequest(client);
    const b = browser();
    const page = await b.get(request.url);
    const blanked = Object.fromEntries(page.document().querySelectorAll('form input[type="hidden"]')
      .map((i) => i.getAttribute('name'))
      .filter((name): name is string => !!name && name !== 'login_challenge')
      .map((name) => [name, '']));
    expect(Object.keys(blanked).length).toBeGreaterThan(0);
    const after = await b.submit(page, undefined, { username: user.username, password: user.password, ...blanked }, 'Sign in');
    expect(after.redirectedTo).toBeUndefined();
    expect(after.status).toBeGreaterThanOrEqual(400);
  });

  it('sends the partner error=access_denied when the person clicks Deny (RFC 6749 §4.1.2.1)', async () => {
    // A person of its own: a remembered consent from another test would skip the page.
    const request = await authRequest(client);
    const result = await signIn(browser(), request.url, await provider.createUser(), 'Deny');
    expect(result.sawConsent).toBe(true);
    const callback = result.callback!;
    expect(`${callback.origin}${callback.pathname}`).toBe(REDIRECT_URI);
    expect(callback.searchParams.get('error')).toBe('access_denied');
    expect(callback.searchParams.get('state')).toBe(request.state);
    expect(callback.searchParams.get('iss')).toBe(provider.issuer);
    expect(callback.searchParams.get('code')).toBeNull();
  });

  it('signs in a second time in the same browser without the password form (SSO)', async () => {
    const b = browser();
    await codeFlow(b, client, user);
    const request = await authRequest(client);
    const second = await signIn(b, request.url, undefined);
    expect(second.sawLoginForm).toBe(false);
    expect(second.callback?.searchParams.get('code')).toBeTruthy();
    expect(second.callback?.searchParams.get('state')).toBe(request.state);
  });

  it('shows the password form despite a session when the partner sends prompt=login', async () => {
    const b = browser();
    await codeFlow(b, client, user);
    const request = await authRequest(client, { prompt: 'login' });
    const result = await signIn(b, request.url, user);
    expect(result.sawLoginForm).toBe(true);
    expect(result.callback?.searchParams.get('code')).toBeTruthy();
  });

  it('answers prompt=none without a session with error=login_required on the redirect (OIDC Core §3.1.2.6)', async () => {
    const request = await authRequest(client, { prompt: 'none' });
    const result = await signIn(browser(), request.url, undefined);
    expect(result.sawLoginForm).toBe(false);
    const callback = result.callback!;
    expect(`${callback.origin}${callback.pathname}`).toBe(REDIRECT_URI);
    expect(callback.searchParams.get('error')).toBe('login_required');
    expect(callback.searchParams.get('state')).toBe(request.state);
    expect(callback.searchParams.get('iss')).toBe(provider.issuer);
  });

  it('answers prompt=none with a code when the browser has a session', async () => {
    const b = browser();
    await codeFlow(b, client, user);
    const request = await authRequest(client, { prompt: 'none' });
    const result = await signIn(b, request.url, undefined);
    expect(result.callback?.searchParams.get('code')).toBeTruthy();
  });

  it('ends the SSO session on logout through the Sign out page; prompt=none then answers login_required', async () => {
    const b = browser();
    const { tokens } = await codeFlow(b, client, user);

    const logout = await b.get(oidc.buildEndSessionUrl(client.config, { id_token_hint: tokens.id_token! }));
    expect(new URL(logout.url).origin).toBe(provider.loginUiUrl);
    const signedOut = await b.submit(logout, undefined, {}, 'Sign out');
    expect(signedOut.redirectedTo).toBeUndefined();
    expect(signedOut.status).toBe(200);

    const request = await authRequest(client, { prompt: 'none' });
    const result = await signIn(b, request.url, undefined);
    expect(result.callback?.searchParams.get('error')).toBe('login_required');
    expect(result.callback?.searchParams.get('state')).toBe(request.state);

    // And without prompt=none the password form is back.
    const again = await signIn(b, (await authRequest(client)).url, undefined);
    expect(again.sawLoginForm).toBe(true);
  });

  it('returns to a registered post_logout_redirect_uri with state after Sign out (RP-Initiated Logout §3)', async () => {
    const b = browser();
    const { tokens } = await codeFlow(b, client, user);
    const state = oidc.randomState();
    const logout = await b.get(oidc.buildEndSessionUrl(client.config, {
      id_token_hint: tokens.id_token!, post_logout_redirect_uri: POST_LOGOUT_URI, state,
    }));
    const done = await b.submit(logout, undefined, {}, 'Sign out');
    expect(done.redirectedTo).toBeDefined();
    expect(`${done.redirectedTo!.origin}${done.redirectedTo!.pathname}`).toBe(POST_LOGOUT_URI);
    expect(done.redirectedTo!.searchParams.get('state')).toBe(state);
  });

  it('never redirects to a post_logout_redirect_uri the client did not register', async () => {
    const b = browser();
    const { tokens } = await codeFlow(b, client, user);
    const url = oidc.buildEndSessionUrl(client.config, {
      id_token_hint: tokens.id_token!, post_logout_redirect_uri: 'https://attacker.example/after',
    });
    const first = await b.get(url);
    const final = first.redirectedTo || !first.document().querySelector('form')
      ? first
      : await b.submit(first, undefined, {}, /^Sign out$/).catch(() => first);
    expect(final.redirectedTo?.origin).not.toBe('https://attacker.example');
  });
});
