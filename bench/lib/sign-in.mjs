// A person signing in through the real pages, as scenario 6 measures it and as scenarios 5 and 8 use
// it to obtain refresh tokens: authorize (PKCE S256, state, nonce) → login form → consent → code at
// the partner's redirect_uri → the partner's back end redeems the code at the token endpoint.
import { createHash, randomBytes } from 'node:crypto';
import { Browser } from './browser.mjs';
import { basicAuth } from './token-service.mjs';

export const SIGN_IN_SCOPE = 'openid profile email offline_access';
export const REDIRECT_URI = 'https://partner.bench.example/callback';

/** Registers the partner a sign-in is for: confidential, code + refresh_token grants. */
export function registerPartner(tokenService) {
  return tokenService.registerClient({
    redirect_uris: [REDIRECT_URI],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
  });
}

/**
 * One sign-in in a fresh browser (no SSO session: the form is always shown). Neither "remember me"
 * nor "remember this decision" is ticked, so the next sign-in shows both pages again.
 * Answers the token response.
 */
export async function signIn(provider, client, endpoints) {
  const browser = new Browser(provider.origins);
  const verifier = randomBytes(32).toString('base64url');
  const state = randomBytes(16).toString('base64url');
  const authorize = new URL(endpoints.authorization_endpoint);
  authorize.search = new URLSearchParams({
    response_type: 'code',
    client_id: client.clientId,
    redirect_uri: REDIRECT_URI,
    scope: SIGN_IN_SCOPE,
    state,
    nonce: randomBytes(16).toString('base64url'),
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  }).toString();

  const loginPage = await browser.get(authorize);
  if (loginPage.status !== 200 || !loginPage.body.includes('name="password"')) throw new Error(`authorize did not lead to the login form (${loginPage.status} at ${loginPage.url})`);
  const consentPage = await browser.submit(loginPage, { fields: { username: provider.user.username, password: provider.user.password }, omit: ['remember'] });
  if (consentPage.status !== 200 || !consentPage.body.includes('value="allow"')) throw new Error(`the sign-in did not lead to consent (${consentPage.status} at ${consentPage.url})`);
  const landed = await browser.submit(consentPage, { buttonValue: 'allow', omit: ['remember'] });
  const callback = landed.redirectedTo;
  if (!callback || callback.origin + callback.pathname !== REDIRECT_URI) throw new Error(`consent did not send the browser to the partner (${landed.status} at ${landed.url})`);
  const code = callback.searchParams.get('code');
  if (!code || callback.searchParams.get('state') !== state) throw new Error('the partner got no code, or not its state back');

  const res = await fetch(endpoints.token_endpoint, {
    method: 'POST',
    headers: { authorization: basicAuth(client), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: verifier }).toString(),
  });
  const tokens = await res.json();
  if (res.status !== 200 || !tokens.id_token || !tokens.refresh_token) throw new Error(`the code redemption answered ${res.status} ${tokens.error ?? ''}`);
  return tokens;
}

/** The provider's discovery document (where authorize and token live). */
export async function discover(issuer) {
  const res = await fetch(`${issuer}/.well-known/openid-configuration`);
  if (!res.ok) throw new Error(`discovery answered ${res.status}`);
  return res.json();
}

/** `count` refresh tokens, each from a sign-in of its own (a family each), `inFlight` sign-ins at a time. */
export async function mintRefreshTokens(provider, client, count, { inFlight = 4 } = {}) {
  const endpoints = await discover(provider.issuer);
  const tokens = [];
  let next = 0;
  const worker = async () => {
    while (next < count) {
      next++;
      tokens.push((await signIn(provider, client, endpoints)).refresh_token);
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return tokens;
}

/**
 * `inFlight` people signing in at once for `durationMs` (after a short warm-up) on `target`
 * ({ provider, client, endpoints }): sign-ins per second, p50 and p99 in ms, failures and the
 * first few distinct error messages.
 */
export async function signInLoad({ provider, client, endpoints }, { inFlight, durationMs, warmupMs = 300 }) {
  const latencies = [];
  const errors = new Set();
  let failed = 0;
  const once = async (record) => {
    const t0 = performance.now();
    try {
      await signIn(provider, client, endpoints);
      if (record) latencies.push(performance.now() - t0);
    } catch (err) {
      if (record) failed++;
      errors.add(`a sign-in failed: ${err.message.split('\n')[0]}`);
    }
  };
  const loop = async (ms, record) => {
    const end = performance.now() + ms;
    await Promise.all(Array.from({ length: inFlight }, async () => {
      while (performance.now() < end) await once(record);
    }));
  };
  if (warmupMs > 0) await loop(warmupMs, false);
  const start = performance.now();
  await loop(durationMs, true);
  const seconds = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? null;
  return { perSecond: latencies.length / seconds, p50: at(0.5), p99: at(0.99), signIns: latencies.length, failed, errors: [...errors].slice(0, 3) };
}
