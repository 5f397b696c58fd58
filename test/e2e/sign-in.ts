/**
 * What a partner and a person do together in the suites: the partner builds an authorization
 * request with openid-client, the person's browser follows it through the real login and consent
 * pages, and the partner redeems the code it lands with.
 */
import { createHash } from 'node:crypto';
import * as oidc from 'openid-client';
import { Browser, Page } from './browser';
import type { RegisteredClient, TestUser } from './harness';

export interface AuthRequest {
  url: URL;
  verifier: string;
  state: string;
  nonce: string;
}

/** An authorization request with PKCE S256, state and nonce; `extra` adds or overrides parameters. */
export async function authRequest(client: RegisteredClient, extra: Record<string, string> = {}): Promise<AuthRequest> {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const url = oidc.buildAuthorizationUrl(client.config, {
    redirect_uri: (client.metadata.redirect_uris as string[])[0],
    scope: 'openid profile email offline_access',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    ...extra,
  });
  return { url, verifier, state, nonce };
}

export interface SignInResult {
  /** Where the browser was finally sent off the provider (normally the partner's redirect_uri). */
  callback?: URL;
  /** The last page shown when the browser stayed on the provider. */
  page: Page;
  /** The password form was shown at some point. */
  sawLoginForm: boolean;
  /** The consent page was shown at some point. */
  sawConsent: boolean;
}

export function hasPasswordForm(page: Page): boolean {
  return page.document().querySelector('form input[name="password"]') !== null;
}

function hasButton(page: Page, label: string): boolean {
  return page.document().querySelectorAll('form button, form input[type="submit"]')
    .some((b) => (b.tagName === 'BUTTON' ? b.text : b.getAttribute('value') ?? '').trim() === label);
}

/**
 * Follows `url` in `browser`: types the user's password into the login form when it is shown
 * (once: if the form comes back, that is the answer), and clicks `consent` on the consent page.
 */
export async function signIn(
  browser: Browser,
  url: URL,
  user: Pick<TestUser, 'username' | 'password'> | undefined,
  consent: 'Allow' | 'Deny' = 'Allow',
): Promise<SignInResult> {
  let page = await browser.get(url);
  let sawLoginForm = false;
  let sawConsent = false;
  for (let step = 0; step < 6 && !page.redirectedTo; step++) {
    if (hasPasswordForm(page)) {
      if (sawLoginForm || !user) {
        sawLoginForm = true;
        break;
      }
      sawLoginForm = true;
      page = await browser.submit(page, undefined, { username: user.username, password: user.password }, 'Sign in');
    } else if (hasButton(page, 'Allow') && hasButton(page, 'Deny')) {
      if (sawConsent) break;
      sawConsent = true;
      page = await browser.submit(page, undefined, {}, consent);
    } else {
      break;
    }
  }
  return { callback: page.redirectedTo, page, sawLoginForm, sawConsent };
}

/** Signs in through the browser and redeems the code: the partner's whole side of a login. */
export async function codeFlow(
  browser: Browser,
  client: RegisteredClient,
  user: TestUser | undefined,
  extra: Record<string, string> = {},
): Promise<{ request: AuthRequest; callback: URL; tokens: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers }> {
  const request = await authRequest(client, extra);
  const result = await signIn(browser, request.url, user);
  if (!result.callback) throw new Error(`the sign-in never reached the partner; last page ${result.page.url} (${result.page.status})`);
  const tokens = await oidc.authorizationCodeGrant(client.config, result.callback, {
    pkceCodeVerifier: request.verifier,
    expectedState: request.state,
    expectedNonce: request.nonce,
    idTokenExpected: true,
    ...(extra.max_age ? { maxAge: Number(extra.max_age) } : {}),
  });
  return { request, callback: result.callback, tokens };
}

/** OIDC Core §3.1.3.6: base64url of the left half of the SHA-256 of the access token's ASCII octets. */
export function atHash(accessToken: string): string {
  const digest = createHash('sha256').update(accessToken, 'ascii').digest();
  return digest.subarray(0, digest.length / 2).toString('base64url');
}

/** A raw form POST to the token endpoint (or revocation/introspection), for requests openid-client would refuse to make. */
export async function postForm(
  url: string,
  params: Record<string, string>,
  basic?: { clientId: string; clientSecret: string },
): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }> {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
  if (basic) {
    // RFC 6749 §2.3.1: each part form-urlencoded before base64.
    const credentials = `${encodeURIComponent(basic.clientId)}:${encodeURIComponent(basic.clientSecret)}`;
    headers.authorization = `Basic ${Buffer.from(credentials).toString('base64')}`;
  }
  const res = await fetch(url, { method: 'POST', headers, body: new URLSearchParams(params).toString() });
  const text = await res.text();
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    body = { unparsed: text };
  }
  return { status: res.status, headers: res.headers, body };
}
