/**
 * Every log line both apps write during a whole sign-in life cycle — a failed sign-in, sign-in,
 * consent, code exchange, refresh, userinfo, introspection, revocation, logout — is searched for
 * every secret that crossed the wire. Logs are read by more people and kept longer than any
 * token lives: nothing that grants access may be in them (OWASP ASVS 5.0 V16.2, RFC 9700 §4.1).
 */
import * as oidc from 'openid-client';
import { Browser } from './browser';
import { Provider, RegisteredClient, startProvider, TestUser } from './harness';
import { authRequest, postForm, signIn } from './sign-in';

const REDIRECT_URI = 'https://partner.example/callback';
const POST_LOGOUT_URI = 'https://partner.example/signed-out';

describe('logs of a full flow', () => {
  const lines: string[] = [];
  const secrets = new Map<string, string>();
  let provider: Provider;
  let client: RegisteredClient;
  let user: TestUser;

  const keep = (what: string, value: unknown) => {
    if (typeof value === 'string' && value.length >= 8) secrets.set(`${what} ${secrets.size}`, value);
  };

  beforeAll(async () => {
    provider = await startProvider({}, { logSink: (line) => lines.push(line) });
    for (const name of ['INTERNAL_API_SECRET', 'LOGIN_UI_SECRET', 'KEY_ENCRYPTION_SECRET', 'INITIAL_ACCESS_TOKEN']) keep(name, provider.env[name]);
    client = await provider.registerClient({
      redirect_uris: [REDIRECT_URI],
      post_logout_redirect_uris: [POST_LOGOUT_URI],
      grant_types: ['authorization_code', 'refresh_token'],
    });
    keep('client secret', client.clientSecret);
    user = await provider.createUser();
    keep('password', user.password);

    const browser = new Browser(provider.origins);
    const cookies = () => [provider.issuer, provider.loginUiUrl].flatMap((origin) => browser.cookiesFor(origin));

    // A failed sign-in first: the wrong password must not be logged either.
    const wrongPassword = `Wr0ng-${oidc.randomState()}`;
    keep('wrong password', wrongPassword);
    const failed = await signIn(browser, (await authRequest(client)).url, { username: user.username, password: wrongPassword });
    expect(failed.callback).toBeUndefined();
    for (const input of failed.page.document().querySelectorAll('form input[type="hidden"]')) keep(`form field ${input.getAttribute('name')}`, input.getAttribute('value'));

    // Sign-in and consent, in the same browser, then the partner's code exchange.
    const request = await authRequest(client);
    keep('PKCE verifier', request.verifier);
    const result = await signIn(browser, request.url, user);
    expect(result.callback?.searchParams.get('code')).toBeTruthy();
    keep('authorization code', result.callback!.searchParams.get('code'));
    for (const cookie of cookies()) keep(`cookie ${cookie.name}`, cookie.value);
    const tokens = await oidc.authorizationCodeGrant(client.config, result.callback!, {
      pkceCodeVerifier: request.verifier, expectedState: request.state, expectedNonce: request.nonce, idTokenExpected: true,
    });
    keep('access token', tokens.access_token);
    keep('ID token', tokens.id_token);
    keep('refresh token', tokens.refresh_token);

    const refreshed = await oidc.refreshTokenGrant(client.config, tokens.refresh_token!);
    keep('refreshed access token', refreshed.access_token);
    keep('refreshed ID token', refreshed.id_token);
    keep('rotated refresh token', refreshed.refresh_token);

    await oidc.fetchUserInfo(client.config, refreshed.access_token, tokens.claims()!.sub);
    const basic = { clientId: client.clientId, clientSecret: client.clientSecret! };
    const introspection = await postForm(`${provider.issuer}/oauth2/introspect`, { token: refreshed.access_token }, basic);
    expect(introspection.body.active).toBe(true);
    // The spent refresh token is presented again too: reuse detection must not log what it saw.
    await postForm(`${provider.issuer}/oauth2/token`, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token! }, basic);
    expect((await postForm(`${provider.issuer}/oauth2/revoke`, { token: refreshed.refresh_token! }, basic)).status).toBe(200);

    const logout = await browser.get(oidc.buildEndSessionUrl(client.config, { id_token_hint: refreshed.id_token!, post_logout_redirect_uri: POST_LOGOUT_URI }));
    for (const input of logout.document().querySelectorAll('form input[type="hidden"]')) keep(`logout form field ${input.getAttribute('name')}`, input.getAttribute('value'));
    for (const cookie of cookies()) keep(`cookie ${cookie.name}`, cookie.value);
    const signedOut = await browser.submit(logout, undefined, {}, 'Sign out');
    expect(signedOut.redirectedTo?.href.startsWith(POST_LOGOUT_URI)).toBe(true);
  });
  afterAll(() => provider?.close());

  it('writes one JSON object per line with time, level, msg and context', () => {
    expect(lines.length).toBeGreaterThan(20);
    for (const line of lines) {
      const entry = JSON.parse(line) as Record<string, unknown>;
      expect(typeof entry.time).toBe('string');
      expect(['trace', 'debug', 'info', 'warn', 'error', 'fatal']).toContain(entry.level);
      expect(typeof entry.msg).toBe('string');
      expect(typeof entry.context).toBe('string');
    }
  });

  it('logs each request with its id, method, route pattern, status and duration, from both apps', () => {
    const requests = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((e) => e.msg === 'request');
    const routes = new Set(requests.map((e) => `${e.service} ${e.method} ${e.route} ${e.status}`));
    for (const expected of [
      'token-service GET /oauth2/authorize 302',
      'token-service POST /oauth2/token 200',
      'token-service GET /internal/v1/login-requests/:challenge 200',
      'login-ui POST /login 303',
      'login-ui POST /login 200', // the failed sign-in: the form again
      'login-ui GET /login 200',
    ]) expect([...routes]).toContain(expected);
    for (const entry of requests) {
      expect(entry.requestId).toMatch(/^[A-Za-z0-9._-]{1,64}$/);
      expect(typeof entry.durationMs).toBe('number');
      // The pattern, never the URL: no query string, no challenge in a path.
      expect(String(entry.route)).not.toContain('?');
    }
  });

  it('contains none of the secrets that crossed the wire, nor anything shaped like a JWT', () => {
    expect(secrets.size).toBeGreaterThan(15);
    const all = lines.join('\n');
    const found = [...secrets].filter(([, value]) => all.includes(value)).map(([what]) => what);
    expect(found).toEqual([]);
    // Not even one the logger had to cut out: nothing hands it a token to begin with.
    expect(all).not.toMatch(/eyJ[A-Za-z0-9_-]{4,}/);
    expect(all).not.toContain('[redacted-jwt]');
    expect(all).not.toMatch(/[?&](code|state|login_challenge|consent_challenge|logout_challenge|id_token_hint|token)=/);
  });
});
