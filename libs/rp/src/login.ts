import { hkdfSync } from 'node:crypto';
import { EncryptJWT, jwtDecrypt } from 'jose';
import * as oidc from 'openid-client';

/**
 * Options of `createLogin`.
 *
 * @example
 * ```ts
 * const options: LoginOptions = {
 *   issuer: 'https://id.example.com', clientId: 'my-client-id', clientSecret: process.env.CLIENT_SECRET,
 *   redirectUri: 'https://app.example.com/callback', scope: 'openid profile email', secret: process.env.LOGIN_SECRET!,
 * };
 * ```
 */
export interface LoginOptions {
  /** The issuer identifier; discovery at `${issuer}/.well-known/openid-configuration`. */
  issuer: string;
  clientId: string;
  /** Sent with HTTP Basic (client_secret_basic). Without it the client is public and relies on PKCE alone. */
  clientSecret?: string;
  /** Exactly as registered; also the `redirect_uri` sent to the token endpoint. */
  redirectUri: string;
  /** Default `openid`. */
  scope?: string;
  /** Seals the transaction (HKDF-SHA-256 of it keys A256GCM). At least 32 characters; keep it private and stable across replicas. */
  secret: string;
  /** How long a started sign-in may take before its transaction is refused. Default 600 s. */
  transactionTtlSeconds?: number;
  fetch?: typeof globalThis.fetch;
  /** Epoch ms; default Date.now. Used for the transaction's expiry. */
  now?: () => number;
  /** Allow a plain-http issuer that is not on the loopback interface (never in production). */
  allowInsecureHttp?: boolean;
}

/**
 * What `finish` returns after a successful sign-in.
 *
 * @example
 * ```ts
 * const { accessToken, idToken, expiresIn, claims } = await login.finish(callbackUrl, transaction);
 * console.log(`signed in ${claims.sub}; access token valid ${expiresIn} s`);
 * ```
 */
export interface LoginResult {
  idToken: string;
  accessToken: string;
  refreshToken?: string;
  /** Lifetime of the access token in seconds, as the token endpoint said (`expires_in`). */
  expiresIn: number | undefined;
  /** The scope granted (may be narrower than asked). */
  scope?: string;
  /** The ID token's claims (checked by openid-client: iss, aud, exp, iat, nonce, azp). */
  claims: oidc.IDToken;
}

/**
 * The redirect-based sign-in: begin, complete, and sign out. Made by `createLogin`.
 *
 * @example
 * ```ts
 * const login: Login = createLogin(options);
 * await login.warmUp(); // optional: fetch the issuer's metadata at start-up
 * ```
 */
export interface Login {
  /**
   * Builds the authorization URL (code flow, PKCE S256, state and nonce) and the sealed
   * `transaction` to keep until the callback, e.g. in a short-lived HttpOnly cookie.
   * `extra` adds authorization parameters (`prompt`, `login_hint`, `max_age`, `scope`, …).
   */
  start(extra?: Record<string, string>): Promise<{ url: URL; transaction: string }>;
  /** Completes the sign-in from the callback URL and the transaction `start` returned. Throws `LoginError`. */
  finish(callbackUrl: URL, transaction: string): Promise<LoginResult>;
  /** The issuer's end-session URL (RP-Initiated Logout 1.0 §2) to send the browser to. */
  logoutUrl(options: { idToken: string; postLogoutRedirectUri: string; state?: string }): Promise<URL>;
  /** Fetches the issuer's metadata now; resolves when it is usable. Throws `LoginError` (ERR_LOGIN_UNAVAILABLE). */
  warmUp(): Promise<void>;
}

/**
 * Stable codes of `LoginError`.
 *
 * @example
 * ```ts
 * const retryable: LoginErrorCode[] = ['ERR_LOGIN_UNAVAILABLE', 'ERR_LOGIN_TRANSACTION'];
 * ```
 */
export type LoginErrorCode =
  /** The provider answered the callback with an error (`error` holds its code, e.g. `access_denied`). */
  | 'ERR_LOGIN_PROVIDER'
  /** The transaction is missing, tampered with, expired, or belongs to another client. */
  | 'ERR_LOGIN_TRANSACTION'
  /** The callback's `state` is not the one this browser's transaction expects (RFC 6749 §10.12). */
  | 'ERR_LOGIN_STATE'
  /** The callback or the token response failed a check: `iss` (RFC 9207), missing code, ID token claims, nonce. */
  | 'ERR_LOGIN_RESPONSE'
  /** The token endpoint refused the code (`error` holds its code, e.g. `invalid_grant`). */
  | 'ERR_LOGIN_TOKEN'
  /** The provider could not be reached or answered something other than OAuth. */
  | 'ERR_LOGIN_UNAVAILABLE';

/**
 * A sign-in that did not complete. `code` says which step failed; `error` is the OAuth error
 * code when the provider sent one.
 *
 * @example
 * ```ts
 * try {
 *   await login.finish(url, transaction);
 * } catch (err) {
 *   if (err instanceof LoginError && err.error === 'access_denied') return res.redirect('/?cancelled');
 *   throw err;
 * }
 * ```
 */
export class LoginError extends Error {
  readonly code: LoginErrorCode;
  /** The OAuth `error` the provider sent (authorization response or token endpoint), if any. */
  readonly error?: string;
  readonly errorDescription?: string;

  constructor(code: LoginErrorCode, message: string, details: { error?: string; errorDescription?: string; cause?: unknown } = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'LoginError';
    this.code = code;
    if (details.error !== undefined) this.error = details.error;
    if (details.errorDescription !== undefined) this.errorDescription = details.errorDescription;
  }
}

const RESERVED = ['response_type', 'client_id', 'redirect_uri', 'state', 'nonce', 'code_challenge', 'code_challenge_method'];
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);
const MAX_TRANSACTION_LENGTH = 4096;

interface Transaction {
  state: string;
  nonce: string;
  codeVerifier: string;
  maxAge?: number;
}

/**
 * The redirect-based sign-in (OpenID Connect code flow) on top of `openid-client`, without a
 * server-side store: what must survive the round trip (state, nonce, PKCE verifier) is sealed
 * into an encrypted `transaction` the partner keeps in a short-lived cookie. The callback is
 * checked by openid-client: state, `iss` (RFC 9207), PKCE, and the ID token's claims.
 *
 * @example
 * ```ts
 * import { createLogin, LoginError } from '@tessera/rp';
 *
 * const login = createLogin({
 *   issuer: 'https://id.example.com', clientId, clientSecret,
 *   redirectUri: 'https://app.example.com/callback', scope: 'openid profile email',
 *   secret: process.env.LOGIN_SECRET!,
 * });
 *
 * app.get('/login', async (req, res) => {
 *   const { url, transaction } = await login.start();
 *   res.cookie('login_tx', transaction, { httpOnly: true, sameSite: 'lax', secure: true, maxAge: 600_000 });
 *   res.redirect(url.href);
 * });
 *
 * app.get('/callback', async (req, res) => {
 *   const result = await login.finish(new URL(req.originalUrl, 'https://app.example.com'), req.cookies.login_tx);
 *   res.clearCookie('login_tx');
 *   // keep result.accessToken / result.idToken in the partner's own session
 * });
 * ```
 */
export function createLogin(options: LoginOptions): Login {
  const issuer = new URL(options.issuer);
  const redirectUri = new URL(options.redirectUri);
  const insecure = insecureAllowed(issuer, options.allowInsecureHttp === true);
  if (options.secret.length < 32) throw new TypeError('secret must be at least 32 characters long');
  const ttl = options.transactionTtlSeconds ?? 600;
  if (!Number.isInteger(ttl) || ttl < 30 || ttl > 3600) throw new TypeError('transactionTtlSeconds must be a whole number from 30 to 3600');
  const now = options.now ?? Date.now;
  const scope = options.scope ?? 'openid';
  const key = new Uint8Array(hkdfSync('sha256', options.secret, '', 'tessera-rp login transaction v1', 32));
  const fetchImpl = options.fetch ?? globalThis.fetch;

  let configuration: Promise<oidc.Configuration> | undefined;
  const discover = (): Promise<oidc.Configuration> => {
    configuration ??= oidc.discovery(
      issuer,
      options.clientId,
      options.clientSecret === undefined ? undefined : { client_secret: options.clientSecret },
      options.clientSecret === undefined ? oidc.None() : oidc.ClientSecretBasic(options.clientSecret),
      {
        execute: insecure ? [oidc.allowInsecureRequests] : [],
        [oidc.customFetch]: (url, init) => fetchImpl(url, init as RequestInit),
        timeout: 10,
      },
    ).catch((err: unknown) => {
      configuration = undefined; // the next call tries again
      throw new LoginError('ERR_LOGIN_UNAVAILABLE', `discovery of ${issuer.href} failed: ${messageOf(err)}`, { cause: err });
    });
    return configuration;
  };

  const seal = async (tx: Transaction): Promise<string> => {
    const issuedAt = Math.floor(now() / 1000);
    return new EncryptJWT({ st: tx.state, nn: tx.nonce, cv: tx.codeVerifier, ...(tx.maxAge === undefined ? {} : { ma: tx.maxAge }) })
      .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
      .setAudience(options.clientId)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + ttl)
      .encrypt(key);
  };

  const unseal = async (transaction: string): Promise<Transaction> => {
    if (typeof transaction !== 'string' || transaction === '' || transaction.length > MAX_TRANSACTION_LENGTH) {
      throw new LoginError('ERR_LOGIN_TRANSACTION', 'no sign-in is in progress in this browser (the transaction is missing)');
    }
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtDecrypt(transaction, key, {
        audience: options.clientId,
        currentDate: new Date(now()),
        keyManagementAlgorithms: ['dir'],
        contentEncryptionAlgorithms: ['A256GCM'],
        requiredClaims: ['exp', 'iat'],
      }));
    } catch (err) {
      throw new LoginError('ERR_LOGIN_TRANSACTION', 'the sign-in transaction is invalid or has expired', { cause: err });
    }
    const { st, nn, cv, ma } = payload;
    if (typeof st !== 'string' || typeof nn !== 'string' || typeof cv !== 'string' || (ma !== undefined && typeof ma !== 'number')) {
      throw new LoginError('ERR_LOGIN_TRANSACTION', 'the sign-in transaction is invalid');
    }
    return { state: st, nonce: nn, codeVerifier: cv, ...(ma === undefined ? {} : { maxAge: ma }) };
  };

  return {
    async start(extra = {}) {
      const reserved = Object.keys(extra).find((name) => RESERVED.includes(name));
      if (reserved) throw new TypeError(`start() sets ${reserved} itself`);
      let maxAge: number | undefined;
      if (extra.max_age !== undefined) {
        if (!/^\d{1,9}$/.test(extra.max_age)) throw new TypeError('max_age must be a whole number of seconds');
        maxAge = Number(extra.max_age);
      }
      const config = await discover();
      const tx: Transaction = {
        state: oidc.randomState(),
        nonce: oidc.randomNonce(),
        codeVerifier: oidc.randomPKCECodeVerifier(),
        ...(maxAge === undefined ? {} : { maxAge }),
      };
      // PKCE with S256 for every client, confidential ones too (RFC 9700 §2.1.1).
      const url = oidc.buildAuthorizationUrl(config, {
        scope,
        ...extra,
        redirect_uri: redirectUri.href,
        state: tx.state,
        nonce: tx.nonce,
        code_challenge: await oidc.calculatePKCECodeChallenge(tx.codeVerifier),
        code_challenge_method: 'S256',
      });
      return { url, transaction: await seal(tx) };
    },

    async finish(callbackUrl, transaction) {
      const tx = await unseal(transaction);
      const states = callbackUrl.searchParams.getAll('state');
      // Checked before anything else, errors included: a callback this browser did not start
      // is a login CSRF attempt (RFC 6749 §10.12), whatever it claims happened.
      if (states.length !== 1 || states[0] !== tx.state) {
        throw new LoginError('ERR_LOGIN_STATE', 'the callback does not belong to the sign-in this browser started');
      }
      const config = await discover();
      // Only the callback's parameters are used: the redirect_uri sent to the token endpoint is
      // the registered one, whatever host or path the request reached us on.
      const current = new URL(redirectUri.href);
      current.search = callbackUrl.search;
      let tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
      try {
        tokens = await oidc.authorizationCodeGrant(config, current, {
          pkceCodeVerifier: tx.codeVerifier,
          expectedState: tx.state,
          expectedNonce: tx.nonce,
          idTokenExpected: true,
          ...(tx.maxAge === undefined ? {} : { maxAge: tx.maxAge }),
        });
      } catch (err) {
        throw loginErrorFrom(err);
      }
      const claims = tokens.claims();
      if (!tokens.id_token || !claims) throw new LoginError('ERR_LOGIN_RESPONSE', 'the token response carries no ID token');
      return {
        idToken: tokens.id_token,
        accessToken: tokens.access_token,
        ...(tokens.refresh_token === undefined ? {} : { refreshToken: tokens.refresh_token }),
        expiresIn: tokens.expiresIn(),
        ...(tokens.scope === undefined ? {} : { scope: tokens.scope }),
        claims,
      };
    },

    async logoutUrl({ idToken, postLogoutRedirectUri, state }) {
      const config = await discover();
      try {
        return oidc.buildEndSessionUrl(config, {
          id_token_hint: idToken,
          post_logout_redirect_uri: postLogoutRedirectUri,
          ...(state === undefined ? {} : { state }),
        });
      } catch (err) {
        throw new LoginError('ERR_LOGIN_UNAVAILABLE', `the issuer offers no end-session endpoint: ${messageOf(err)}`, { cause: err });
      }
    },

    async warmUp() {
      await discover();
    },
  };
}

/** Plain http is allowed only to the loopback interface (RFC 8252 §8.3) unless the caller insists. */
function insecureAllowed(issuer: URL, allowInsecureHttp: boolean): boolean {
  if (issuer.protocol === 'https:') return false;
  if (issuer.protocol !== 'http:') throw new TypeError('issuer must be an http(s) URL');
  if (LOOPBACK.has(issuer.hostname) || allowInsecureHttp) return true;
  throw new TypeError('issuer must use https (plain http only on localhost, 127.0.0.1 or [::1], or with allowInsecureHttp)');
}

function loginErrorFrom(err: unknown): LoginError {
  if (err instanceof LoginError) return err;
  if (err instanceof oidc.AuthorizationResponseError) {
    return new LoginError('ERR_LOGIN_PROVIDER', `the provider refused the sign-in: ${err.error}`, {
      error: err.error, errorDescription: err.error_description, cause: err,
    });
  }
  if (err instanceof oidc.ResponseBodyError) {
    return new LoginError('ERR_LOGIN_TOKEN', `the token endpoint refused the code: ${err.error}`, {
      error: err.error, errorDescription: err.error_description, cause: err,
    });
  }
  if (err instanceof oidc.WWWAuthenticateChallengeError) {
    // A 401 from the token endpoint: the client's own credentials were refused (RFC 6749 §5.2).
    const error = err.cause.find((c) => typeof c.parameters.error === 'string')?.parameters.error ?? 'invalid_client';
    return new LoginError('ERR_LOGIN_TOKEN', `the token endpoint refused the client: ${error}`, { error, cause: err });
  }
  if (isNetworkError(err)) return new LoginError('ERR_LOGIN_UNAVAILABLE', `the provider could not be reached: ${messageOf(err)}`, { cause: err });
  if (err instanceof oidc.ClientError && (err.code === 'OAUTH_RESPONSE_IS_NOT_CONFORM' || err.code === 'OAUTH_RESPONSE_IS_NOT_JSON')) {
    return new LoginError('ERR_LOGIN_UNAVAILABLE', `the provider answered unexpectedly: ${messageOf(err)}`, { cause: err });
  }
  return new LoginError('ERR_LOGIN_RESPONSE', `the sign-in response failed a check: ${messageOf(err)}`, { cause: err });
}

function isNetworkError(err: unknown): boolean {
  if (err instanceof DOMException) return err.name === 'TimeoutError' || err.name === 'AbortError';
  return err instanceof TypeError && err.message === 'fetch failed';
}

/** openid-client puts the precise reason (e.g. 'unexpected "iss" response parameter value') on the cause. */
function messageOf(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
  return `${err.message}${cause}`;
}
