/**
 * Hostile authorization requests. Until client_id and redirect_uri are proven, nothing may be sent
 * to the redirect_uri: the person sees the provider's own error page (RFC 6749 §4.1.2.1, RFC 9700
 * §4.1). After that, errors go back to the registered redirect_uri with error, state and iss
 * (RFC 9207). Whatever a request carries comes back, if at all, only as inert text.
 */
import { domainToASCII } from 'node:url';
import * as oidc from 'openid-client';
import { Browser, Page } from '../e2e/browser';
import { Provider, RegisteredClient, startProvider, TestUser } from '../e2e/harness';
import { authRequest } from '../e2e/sign-in';
import { answerOf, CountingServer, countingServer, expectInertHtml, expectNoLeak, expectPageSecurityHeaders } from './support/checks';

// Hundreds of requests from one address in seconds: the per-IP limits (brute-force.e2e-spec.ts tests
// them) would answer 429 long before the input under test is looked at.
const NO_RATE_LIMITS = { RATE_LIMIT_ENABLED: 'false' };
const REDIRECT_URI = 'https://partner.example/callback';
const LOOPBACK_REDIRECT_URI = 'http://127.0.0.1:8080/cb';

describe('hostile authorization requests', () => {
  let provider: Provider;
  let client: RegisteredClient;
  let otherClient: RegisteredClient;
  let user: TestUser;
  let server: CountingServer;
  const browser = () => new Browser(provider.origins);

  beforeAll(async () => {
    provider = await startProvider(NO_RATE_LIMITS);
    client = await provider.registerClient({ redirect_uris: [REDIRECT_URI, LOOPBACK_REDIRECT_URI] });
    otherClient = await provider.registerClient({ redirect_uris: ['https://other.example/callback'] });
    user = await provider.createUser();
    server = await countingServer(() => ({ type: 'application/oauth-authz-req+jwt', text: 'eyJhbGciOiJub25lIn0.e30.' }));
  });
  afterAll(async () => {
    await server?.close();
    await provider?.close();
  });

  /** The provider's own error page: no hop ever left the provider, a 4xx page, the hostile text inert. */
  function expectProviderErrorPage(page: Page, hostile: string[] = []): void {
    expect(page.redirectedTo).toBeUndefined();
    for (const hop of page.visited) expect(provider.origins).toContain(new URL(hop).origin);
    expect(`${new URL(page.url).origin}${new URL(page.url).pathname}`).toBe(`${provider.loginUiUrl}/error`);
    expect(page.status).toBe(400);
    expect(page.body).not.toMatch(/name="code"|[?&]code=/);
    expectInertHtml(page.body, hostile);
    expectPageSecurityHeaders(page.headers);
  }

  /** The error went back to the registered redirect_uri, as RFC 6749 §4.1.2.1 says, with no code. */
  function expectErrorRedirect(page: Page, error: string, state: string | null, to = REDIRECT_URI): URLSearchParams {
    expect(page.redirectedTo).toBeDefined();
    const callback = page.redirectedTo!;
    expect(`${callback.origin}${callback.pathname}`).toBe(to);
    expect(callback.hash).toBe('');
    expect(callback.searchParams.get('code')).toBeNull();
    expect(callback.searchParams.get('error')).toBe(error);
    expect(callback.searchParams.get('state')).toBe(state);
    expect(callback.searchParams.get('iss')).toBe(provider.issuer);
    return callback.searchParams;
  }

  function expectLoginPage(page: Page): void {
    expect(page.redirectedTo).toBeUndefined();
    expect(`${new URL(page.url).origin}${new URL(page.url).pathname}`).toBe(`${provider.loginUiUrl}/login`);
    expect(page.status).toBe(200);
  }

  /** A valid request for `client` with `params` replacing (or, when null, removing) parameters. */
  async function request(params: Record<string, string | null> = {}, forClient = client): Promise<{ url: URL; state: string }> {
    const req = await authRequest(forClient, {});
    for (const [name, value] of Object.entries(params)) {
      if (value === null) req.url.searchParams.delete(name);
      else req.url.searchParams.set(name, value);
    }
    return { url: req.url, state: req.url.searchParams.get('state')! };
  }

  describe('redirect_uri smuggling: exact string match only (RFC 9700 §4.1.3), never a redirect to it', () => {
    const lookalike = 'https://p\u0430rtner.example/callback'; // Cyrillic а
    const rows: { name: string; redirectUri: string }[] = [
      { name: 'a prefix of the registered URI', redirectUri: 'https://partner.example/callbac' },
      { name: 'a longer path', redirectUri: 'https://partner.example/callback/evil' },
      { name: 'characters appended to the path', redirectUri: 'https://partner.example/callbackevil' },
      { name: 'path traversal with ../', redirectUri: 'https://partner.example/callback/../evil' },
      { name: 'path traversal with ..%2f', redirectUri: 'https://partner.example/callback/..%2fevil' },
      { name: 'path traversal with %2e%2e/', redirectUri: 'https://partner.example/callback/%2e%2e/evil' },
      { name: 'a dot segment /./', redirectUri: 'https://partner.example/./callback' },
      { name: 'a doubled slash', redirectUri: 'https://partner.example//callback' },
      { name: 'a path parameter ;', redirectUri: 'https://partner.example/callback;evil' },
      { name: 'userinfo @ pointing at the attacker', redirectUri: 'https://partner.example@attacker.example/callback' },
      { name: 'userinfo @ keeping the partner as host', redirectUri: 'https://attacker.example@partner.example/callback' },
      { name: 'userinfo with a password', redirectUri: 'https://partner.example:pw@attacker.example/callback' },
      { name: 'a backslash before @', redirectUri: 'https://partner.example\\@attacker.example/callback' },
      { name: 'a backslash as the path separator', redirectUri: 'https://partner.example\\callback' },
      { name: 'the attacker as a subdomain suffix', redirectUri: 'https://partner.example.attacker.example/callback' },
      { name: 'a host that ends like the partner', redirectUri: 'https://evilpartner.example/callback' },
      { name: 'a trailing dot on the host', redirectUri: 'https://partner.example./callback' },
      { name: 'the default port written out', redirectUri: 'https://partner.example:443/callback' },
      { name: 'another port', redirectUri: 'https://partner.example:8443/callback' },
      { name: 'http instead of https', redirectUri: 'http://partner.example/callback' },
      { name: 'the scheme in upper case', redirectUri: 'HTTPS://partner.example/callback' },
      { name: 'the host in upper case', redirectUri: 'https://PARTNER.example/callback' },
      { name: 'the path in another case', redirectUri: 'https://partner.example/Callback' },
      { name: 'a trailing slash', redirectUri: 'https://partner.example/callback/' },
      { name: 'a fragment', redirectUri: 'https://partner.example/callback#https://attacker.example' },
      { name: 'an empty fragment', redirectUri: 'https://partner.example/callback#' },
      { name: 'a query added', redirectUri: 'https://partner.example/callback?next=https://attacker.example' },
      { name: 'an empty query', redirectUri: 'https://partner.example/callback?' },
      { name: 'a percent-encoded letter', redirectUri: 'https://partner.example/c%61llback' },
      { name: 'a percent-encoded slash', redirectUri: 'https://partner.example%2fcallback' },
      { name: 'an encoded null byte', redirectUri: 'https://partner.example/callback%00' },
      { name: 'a raw newline', redirectUri: 'https://partner.example/callback\n' },
      { name: 'leading whitespace', redirectUri: ' https://partner.example/callback' },
      { name: 'a trailing tab', redirectUri: 'https://partner.example/callback\t' },
      { name: 'a Cyrillic lookalike host (IDN)', redirectUri: lookalike },
      { name: 'the punycode of the lookalike host', redirectUri: `https://${domainToASCII('p\u0430rtner.example')}/callback` },
      { name: 'a fullwidth solidus in the path', redirectUri: 'https://partner.example\uff0fcallback' },
      { name: 'scheme-relative', redirectUri: '//partner.example/callback' },
      { name: 'a javascript: URI', redirectUri: 'javascript:alert(document.domain)//https://partner.example/callback' },
      { name: 'a data: URI', redirectUri: 'data:text/html,<script>alert(1)</script>' },
      { name: 'the attacker outright', redirectUri: 'https://attacker.example/callback' },
      { name: 'another client\'s registered URI', redirectUri: 'https://other.example/callback' },
      { name: 'loopback as localhost instead of 127.0.0.1', redirectUri: 'http://localhost:8080/cb' },
      { name: 'loopback as [::1]', redirectUri: 'http://[::1]:8080/cb' },
      { name: 'loopback as 127.0.0.2', redirectUri: 'http://127.0.0.2:8080/cb' },
      { name: 'loopback as 127.1', redirectUri: 'http://127.1:8080/cb' },
      { name: 'loopback as the decimal 2130706433', redirectUri: 'http://2130706433:8080/cb' },
      { name: 'loopback as hex 0x7f000001', redirectUri: 'http://0x7f000001:8080/cb' },
      { name: 'loopback with userinfo @ to the attacker', redirectUri: 'http://127.0.0.1:8080@attacker.example/cb' },
      { name: 'loopback over https', redirectUri: 'https://127.0.0.1:8080/cb' },
      { name: 'loopback without the port', redirectUri: 'http://127.0.0.1/cb' },
      { name: 'an empty redirect_uri', redirectUri: '' },
      { name: 'a redirect_uri of 10,000 characters', redirectUri: `https://partner.example/callback?${'x'.repeat(10_000)}` },
    ];

    it.each(rows)('GET: $name', async ({ redirectUri }) => {
      const { url } = await request({ redirect_uri: redirectUri });
      const page = await browser().get(url);
      expectProviderErrorPage(page, [redirectUri]);
    });

    it.each(rows.slice(0, 12))('POST: $name', async ({ redirectUri }) => {
      const { url } = await request({ redirect_uri: redirectUri });
      const res = await fetch(`${provider.issuer}/oauth2/authorize`, {
        method: 'POST', redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: url.searchParams.toString(),
      });
      expect(res.status).toBe(302);
      const location = new URL(res.headers.get('location')!);
      expect(`${location.origin}${location.pathname}`).toBe(`${provider.loginUiUrl}/error`);
      expect(location.searchParams.get('error')).toBe('invalid_request');
    });
  });

  describe('duplicate parameters (RFC 6749 §3.1: MUST NOT be included more than once)', () => {
    const rows: { name: string; param: string; second: (r: { url: URL }) => string; expect: 'page' | 'redirect'; stateKept?: boolean }[] = [
      { name: 'client_id twice, same value', param: 'client_id', second: () => client.clientId, expect: 'page' },
      { name: 'client_id twice, the second another client', param: 'client_id', second: () => otherClient.clientId, expect: 'page' },
      { name: 'redirect_uri twice, same value', param: 'redirect_uri', second: () => REDIRECT_URI, expect: 'page' },
      { name: 'redirect_uri twice, the second the attacker', param: 'redirect_uri', second: () => 'https://attacker.example/callback', expect: 'page' },
      { name: 'redirect_uri twice, the second the other registered one', param: 'redirect_uri', second: () => LOOPBACK_REDIRECT_URI, expect: 'page' },
      { name: 'response_type twice', param: 'response_type', second: () => 'code', expect: 'redirect', stateKept: true },
      { name: 'response_type code then token', param: 'response_type', second: () => 'token', expect: 'redirect', stateKept: true },
      { name: 'scope twice', param: 'scope', second: () => 'openid', expect: 'redirect', stateKept: true },
      { name: 'state twice', param: 'state', second: () => 'second-state', expect: 'redirect', stateKept: false },
      { name: 'nonce twice', param: 'nonce', second: () => 'second-nonce', expect: 'redirect', stateKept: true },
      { name: 'code_challenge twice', param: 'code_challenge', second: () => 'A'.repeat(43), expect: 'redirect', stateKept: true },
      { name: 'code_challenge_method S256 then plain', param: 'code_challenge_method', second: () => 'plain', expect: 'redirect', stateKept: true },
      { name: 'prompt twice', param: 'prompt', second: () => 'none', expect: 'redirect', stateKept: true },
      { name: 'max_age twice', param: 'max_age', second: () => '0', expect: 'redirect', stateKept: true },
      { name: 'login_hint twice', param: 'login_hint', second: () => 'someone-else', expect: 'redirect', stateKept: true },
      { name: 'response_mode twice', param: 'response_mode', second: () => 'query', expect: 'redirect', stateKept: true },
    ];

    it.each(rows)('$name', async (row) => {
      const extra: Record<string, string> = { prompt: 'login', max_age: '600', login_hint: 'someone', response_mode: 'query' };
      const r = await request(Object.fromEntries(Object.entries(extra).filter(([k]) => k === row.param)));
      r.url.searchParams.append(row.param, row.second(r));
      const page = await browser().get(r.url);
      if (row.expect === 'page') expectProviderErrorPage(page, [row.second(r)]);
      else expectErrorRedirect(page, 'invalid_request', row.stateKept ? r.state : null);
    });

    it.each([
      { name: 'client_id[] (array syntax)', build: (u: URL) => renameParam(u, 'client_id', 'client_id[]') },
      { name: 'redirect_uri[0] (indexed syntax)', build: (u: URL) => renameParam(u, 'redirect_uri', 'redirect_uri[0]') },
      { name: 'Client_ID (parameter names are case-sensitive)', build: (u: URL) => renameParam(u, 'client_id', 'Client_ID') },
    ])('$name is not client_id/redirect_uri: the provider\'s error page', async ({ build }) => {
      const { url } = await request();
      expectProviderErrorPage(await browser().get(build(url)));
    });
  });

  describe('PKCE downgrade and malformed challenges (RFC 9700 §2.1.1, RFC 7636 §4.2–4.3)', () => {
    const verifier = oidc.randomPKCECodeVerifier();
    const rows: { name: string; params: Record<string, string | null> }[] = [
      { name: 'no code_challenge and no method', params: { code_challenge: null, code_challenge_method: null } },
      { name: 'a challenge without a method (plain by default)', params: { code_challenge_method: null } },
      { name: 'method plain', params: { code_challenge_method: 'plain' } },
      { name: 'method plain with the verifier as the challenge', params: { code_challenge_method: 'plain', code_challenge: verifier } },
      { name: 'method s256 in lower case', params: { code_challenge_method: 's256' } },
      { name: 'method S512', params: { code_challenge_method: 'S512' } },
      { name: 'method "S256 " with a trailing space', params: { code_challenge_method: 'S256 ' } },
      { name: 'an empty method', params: { code_challenge_method: '' } },
      { name: 'a method without a challenge', params: { code_challenge: null } },
      { name: 'an empty challenge', params: { code_challenge: '' } },
      { name: 'a challenge of 42 characters', params: { code_challenge: 'A'.repeat(42) } },
      { name: 'a challenge of 44 characters', params: { code_challenge: 'A'.repeat(44) } },
      { name: 'a challenge of 128 characters', params: { code_challenge: 'A'.repeat(128) } },
      { name: 'a challenge of 10,000 characters', params: { code_challenge: 'A'.repeat(10_000) } },
      { name: 'a challenge in base64 with + and /', params: { code_challenge: `${'A'.repeat(41)}+/` } },
      { name: 'a challenge with = padding', params: { code_challenge: `${'A'.repeat(43)}=` } },
      { name: 'a challenge with . and ~ (verifier characters, not base64url)', params: { code_challenge: `${'A'.repeat(41)}.~` } },
      { name: 'a challenge with a space', params: { code_challenge: `${'A'.repeat(21)} ${'A'.repeat(21)}` } },
      { name: 'a challenge with non-ASCII letters', params: { code_challenge: `${'A'.repeat(42)}é` } },
    ];

    it.each(rows)('$name', async ({ params }) => {
      const r = await request(params);
      expectErrorRedirect(await browser().get(r.url), 'invalid_request', r.state);
    });
  });

  describe('state and nonce: bounded, optional, carried back byte for byte', () => {
    const rows: { name: string; params: Record<string, string | null>; expect: 'login' | { error: string; state: 'same' | 'absent' } }[] = [
      { name: 'control: no state (OPTIONAL with PKCE)', params: { state: null }, expect: 'login' },
      { name: 'control: no nonce (OPTIONAL in the code flow, OIDC Core §3.1.2.1)', params: { nonce: null }, expect: 'login' },
      { name: 'control: state of 1,024 characters', params: { state: 's'.repeat(1024) }, expect: 'login' },
      { name: 'control: nonce of 512 characters', params: { nonce: 'n'.repeat(512) }, expect: 'login' },
      { name: 'state of 1,025 characters', params: { state: 's'.repeat(1025) }, expect: { error: 'invalid_request', state: 'absent' } },
      { name: 'state of 8,000 characters', params: { state: 's'.repeat(8000) }, expect: { error: 'invalid_request', state: 'absent' } },
      { name: 'nonce of 513 characters', params: { nonce: 'n'.repeat(513) }, expect: { error: 'invalid_request', state: 'same' } },
      { name: 'nonce of 8,000 characters', params: { nonce: 'n'.repeat(8000) }, expect: { error: 'invalid_request', state: 'same' } },
      { name: 'state with CR LF and a header (response splitting), on an error redirect', params: { state: 'x\r\nSet-Cookie: pwned=1\r\n', prompt: 'bogus' }, expect: { error: 'invalid_request', state: 'same' } },
      { name: 'state with markup, on an error redirect', params: { state: '"><script>alert(1)</script>', prompt: 'bogus' }, expect: { error: 'invalid_request', state: 'same' } },
      { name: 'state with & = # that must stay inside it', params: { state: 'a=1&code=forged#frag', prompt: 'bogus' }, expect: { error: 'invalid_request', state: 'same' } },
      { name: 'state with unicode and a null byte', params: { state: 'é\u0000✓', prompt: 'bogus' }, expect: { error: 'invalid_request', state: 'same' } },
    ];

    it.each(rows)('$name', async ({ params, expect: expected }) => {
      const r = await request(params);
      const first = await fetch(r.url, { redirect: 'manual' });
      // The first answer is a redirect whose headers are exactly what the server meant: nothing injected.
      expect(first.status).toBe(302);
      expect(first.headers.getSetCookie().join('\n')).not.toMatch(/pwned/);
      const page = await browser().get(r.url);
      if (expected === 'login') {
        expectLoginPage(page);
        return;
      }
      const response = expectErrorRedirect(page, expected.error, expected.state === 'same' ? r.url.searchParams.get('state') : null);
      expect([...response.keys()].sort()).toEqual(expected.state === 'same' ? ['error', 'error_description', 'iss', 'state'] : ['error', 'error_description', 'iss']);
    });
  });

  describe('response_type, response_mode and request objects', () => {
    const rows: { name: string; params: Record<string, string | null>; error: string }[] = [
      ...['token', 'id_token', 'code id_token', 'code token', 'id_token token', 'code id_token token', 'none', 'CODE', 'Code', 'code ', ' code', 'code code', 'code+token']
        .map((value) => ({ name: `response_type "${value}"`, params: { response_type: value }, error: 'unsupported_response_type' })),
      { name: 'response_type missing', params: { response_type: null }, error: 'invalid_request' },
      ...['fragment', 'form_post', 'web_message', 'query.jwt', 'jwt', 'QUERY']
        .map((value) => ({ name: `response_mode "${value}"`, params: { response_mode: value }, error: 'invalid_request' })),
      { name: 'a request object (alg none)', params: { request: 'eyJhbGciOiJub25lIn0.eyJyZWRpcmVjdF91cmkiOiJodHRwczovL2F0dGFja2VyLmV4YW1wbGUvIn0.' }, error: 'request_not_supported' },
      { name: 'an unknown scope', params: { scope: 'openid admin' }, error: 'invalid_scope' },
      { name: 'a scope with markup', params: { scope: 'openid <script>alert(1)</script>' }, error: 'invalid_scope' },
      { name: 'prompt "none login" (OIDC Core §3.1.2.1)', params: { prompt: 'none login' }, error: 'invalid_request' },
      { name: 'an unknown prompt', params: { prompt: 'select_account_now' }, error: 'invalid_request' },
      { name: 'max_age negative', params: { max_age: '-1' }, error: 'invalid_request' },
      { name: 'max_age in exponent form', params: { max_age: '1e9' }, error: 'invalid_request' },
      { name: 'max_age in hex', params: { max_age: '0x10' }, error: 'invalid_request' },
      { name: 'max_age of 20 digits', params: { max_age: '9'.repeat(20) }, error: 'invalid_request' },
      { name: 'login_hint of 256 characters', params: { login_hint: 'h'.repeat(256) }, error: 'invalid_request' },
    ];

    it.each(rows)('$name', async ({ params, error }) => {
      const r = await request(params);
      expectErrorRedirect(await browser().get(r.url), error, r.state);
    });

    it('refuses request_uri without fetching it (request_uri_not_supported)', async () => {
      const r = await request({ request_uri: `${server.url}/request.jwt` });
      expectErrorRedirect(await browser().get(r.url), 'request_uri_not_supported', r.state);
      expect(server.requests).toEqual([]);
    });

    it('answers GET and POST only (OIDC Core §3.1.2.1)', async () => {
      const r = await request();
      for (const method of ['PUT', 'DELETE', 'PATCH']) {
        const answer = await answerOf(await fetch(r.url, { method, redirect: 'manual' }));
        expect(answer.status).toBe(405);
        expect(answer.headers.get('allow')).toBe('GET, POST');
      }
    });
  });

  describe('reflected input is never executable (login page, consent page, error pages)', () => {
    const XSS = [
      '"><script>alert(1)</script>',
      '\' autofocus onfocus=\'alert(1)',
      '" autofocus onfocus="alert(1)',
      '</textarea><svg onload=alert(1)>',
      '{{constructor.constructor(\'alert(1)\')()}}',
      'javascript:alert(1)',
    ];

    it.each(XSS)('login_hint %p is shown only as the username field\'s value', async (hint) => {
      const { url } = await request({ login_hint: hint });
      const page = await browser().get(url);
      expectLoginPage(page);
      expect(page.document().querySelector('input[name="username"]')?.getAttribute('value')).toBe(hint);
      expectInertHtml(page.body, [hint]);
      expectPageSecurityHeaders(page.headers);
    });

    it.each(XSS)('a client named %p is shown as text on the login and consent pages', async (name) => {
      const hostile = await provider.registerClient({ redirect_uris: [REDIRECT_URI], client_name: name, client_uri: `https://partner.example/${name}` });
      const b = browser();
      const login = await b.get((await request({}, hostile)).url);
      expectLoginPage(login);
      expect(login.document().querySelector('.client-name')?.text).toBe(name);
      expectInertHtml(login.body, [name]);
      const consent = await b.submit(login, undefined, { username: user.username, password: user.password }, 'Sign in');
      expect(new URL(consent.url).pathname).toBe('/consent');
      expect(consent.document().querySelector('h1 strong')?.text).toBe(name);
      expect(consent.document().querySelectorAll('a').map((a) => a.getAttribute('href'))).not.toContain(`https://partner.example/${name}`);
      expectInertHtml(consent.body, [name]);
      expectPageSecurityHeaders(consent.headers);
    });

    it('refuses to register a client_uri that is not http(s) (RFC 7591 §2), so no javascript: link can be made', async () => {
      const answer = await answerOf(await fetch(`${provider.issuer}/oauth2/register`, {
        method: 'POST',
        headers: { authorization: `Bearer ${provider.initialAccessToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ redirect_uris: [REDIRECT_URI], client_uri: 'javascript:alert(1)' }),
      }));
      expect({ status: answer.status, error: answer.json?.error }).toEqual({ status: 400, error: 'invalid_client_metadata' });
    });

    const errorPageRows: { name: string; query: Record<string, string>; shows?: string }[] = [
      ...XSS.map((text) => ({ name: `error_description ${JSON.stringify(text)}`, query: { error: 'invalid_request', error_description: text }, shows: text })),
      { name: 'an error code with markup (not shown: codes are [a-z_])', query: { error: '<img src=x onerror=alert(1)>', error_description: 'x' } },
      { name: 'an error_description of 10,000 characters (cut short)', query: { error: 'invalid_request', error_description: `<b>${'d'.repeat(10_000)}` } },
      { name: 'error and error_description repeated', query: { error: 'a', error_description: 'b' } },
    ];

    it.each(errorPageRows)('the login UI\'s error page with $name', async ({ query, shows }) => {
      const url = new URL(`${provider.loginUiUrl}/error`);
      url.search = new URLSearchParams(query).toString();
      if (query.error === 'a') url.search += '&error=%3Cscript%3E&error_description=%3Cscript%3Ealert(1)%3C%2Fscript%3E';
      const page = await browser().get(url);
      expect(page.status).toBe(400);
      expectInertHtml(page.body, Object.values(query).concat('<script>alert(1)</script>'));
      expectPageSecurityHeaders(page.headers);
      if (shows) expect(page.document().querySelector('[role="alert"]')?.text.trim()).toBe(shows);
      expect(page.body.length).toBeLessThan(5_000);
    });

    it.each<{ name: string; params: Record<string, string> }>([
      { name: 'an unknown client_id with markup', params: { client_id: '<script>alert(1)</script>' } },
      { name: 'an unknown client with a hostile state', params: { client_id: 'no-such-client', state: '"><script>alert(1)</script>' } },
      { name: 'an unregistered redirect_uri with markup', params: { redirect_uri: 'https://partner.example/"><script>alert(1)</script>' } },
    ])('the provider\'s error page for $name echoes nothing', async ({ params }) => {
      const { url } = await request(params);
      const page = await browser().get(url);
      expectProviderErrorPage(page, Object.values(params));
      for (const value of Object.values(params)) expect(page.body).not.toContain(value);
      expectNoLeak(page.body);
    });
  });
});

function renameParam(url: URL, from: string, to: string): URL {
  const copy = new URL(url);
  const value = copy.searchParams.get(from)!;
  copy.searchParams.delete(from);
  copy.searchParams.set(to, value);
  return copy;
}
