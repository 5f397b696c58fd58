import * as oidc from 'openid-client';
import { Browser, Page } from './browser';
import { Provider, RegisteredClient, startProvider } from './harness';
import { authRequest } from './sign-in';

const REDIRECT_URI = 'https://partner.example/callback';

describe('authorization endpoint errors', () => {
  let provider: Provider;
  let client: RegisteredClient;
  const browser = () => new Browser(provider.origins);

  beforeAll(async () => {
    provider = await startProvider();
    client = await provider.registerClient({ redirect_uris: [REDIRECT_URI] });
  });
  afterAll(() => provider?.close());

  /** RFC 6749 §4.1.2.1: without a trusted redirect_uri the error is shown to the person, never redirected. */
  function expectProviderErrorPage(page: Page): void {
    expect(page.redirectedTo).toBeUndefined();
    expect(provider.origins).toContain(new URL(page.url).origin);
    expect(page.status).toBeGreaterThanOrEqual(400);
    expect(page.status).toBeLessThan(500);
  }

  /** The error response on the redirect; read from the fragment if the server chose that response mode. */
  async function errorResponse(params: Record<string, string>, drop: string[] = []): Promise<URLSearchParams> {
    const request = await authRequest(client, params);
    for (const name of drop) request.url.searchParams.delete(name);
    const page = await browser().get(request.url);
    expect(page.redirectedTo).toBeDefined();
    const callback = page.redirectedTo!;
    expect(`${callback.origin}${callback.pathname}`).toBe(REDIRECT_URI);
    const response = callback.search ? callback.searchParams : new URLSearchParams(callback.hash.slice(1));
    expect(response.get('state')).toBe(request.state);
    // RFC 9207 §2: error responses carry iss too.
    expect(response.get('iss')).toBe(provider.issuer);
    expect(response.get('code')).toBeNull();
    return response;
  }

  it('shows its own error page for an unknown client_id', async () => {
    const request = await authRequest(client);
    request.url.searchParams.set('client_id', `unknown-${oidc.randomState()}`);
    expectProviderErrorPage(await browser().get(request.url));
  });

  it('shows its own error page for a redirect_uri the client did not register', async () => {
    const request = await authRequest(client, { redirect_uri: 'https://attacker.example/cb' });
    expectProviderErrorPage(await browser().get(request.url));
  });

  it('compares redirect_uri exactly: a longer path or an extra query is not the registered one (RFC 9700 §4.1.3)', async () => {
    for (const redirectUri of [`${REDIRECT_URI}/more`, `${REDIRECT_URI}?x=1`, REDIRECT_URI.replace('https:', 'http:')]) {
      const request = await authRequest(client, { redirect_uri: redirectUri });
      expectProviderErrorPage(await browser().get(request.url));
    }
  });

  it('shows its own error page when redirect_uri is missing (OIDC Core §3.1.2.1)', async () => {
    const request = await authRequest(client);
    request.url.searchParams.delete('redirect_uri');
    expectProviderErrorPage(await browser().get(request.url));
  });

  it('shows its own error page when client_id is missing', async () => {
    const request = await authRequest(client);
    request.url.searchParams.delete('client_id');
    expectProviderErrorPage(await browser().get(request.url));
  });

  it('redirects unsupported_response_type for any response_type but code', async () => {
    for (const responseType of ['token', 'id_token', 'code id_token']) {
      const response = await errorResponse({ response_type: responseType });
      expect(response.get('error')).toBe('unsupported_response_type');
    }
  });

  it('redirects invalid_request when PKCE is missing (RFC 9700 §2.1.1)', async () => {
    const response = await errorResponse({}, ['code_challenge', 'code_challenge_method']);
    expect(response.get('error')).toBe('invalid_request');
  });

  it('redirects invalid_request for code_challenge_method=plain', async () => {
    const response = await errorResponse({ code_challenge: 'a'.repeat(43), code_challenge_method: 'plain' });
    expect(response.get('error')).toBe('invalid_request');
  });

  it('redirects invalid_request when a code_challenge comes without its method', async () => {
    // RFC 7636 §4.3 defaults the method to plain, which this server refuses.
    const response = await errorResponse({}, ['code_challenge_method']);
    expect(response.get('error')).toBe('invalid_request');
  });
});
