import { JWTPayload, jwtVerify } from 'jose';
import {
  ACCESS_TOKEN_CHECKS, ACCESS_TOKEN_REQUIRED_CLAIMS, CheckContext, ClaimCheck, ID_TOKEN_CHECKS, ID_TOKEN_REQUIRED_CLAIMS,
  LOGOUT_TOKEN_CHECKS, LOGOUT_TOKEN_REQUIRED_CLAIMS,
} from './claim-checks';
import type { RpEvent } from './events';
import { fromJoseError } from './jose-errors';
import { JwksCache, JwksCacheOptions, VerifierStats } from './jwks-cache';
import { numberOption } from './number-option';
import { StatusListCache, StatusListOptions } from './status-list-cache';
import { CheckedHeader, checkTokenShape, JwtKind, TokenKind } from './token-shape';

export type { TokenKind } from './token-shape';

/**
 * How to reach and trust one issuer. Only `issuer` and `audience` are required.
 *
 * @example
 * ```ts
 * const options: VerifierOptions = {
 *   issuer: 'https://id.example.com',
 *   audience: 'my-client-id',
 *   clockToleranceSeconds: 5,
 *   jwks: { cacheFile: './data/tessera-jwks.json' },
 *   onEvent: (event) => console.log(JSON.stringify(event)),
 * };
 * ```
 */
export interface VerifierOptions {
  /** The exact `iss`; discovery is fetched from `${issuer}/.well-known/openid-configuration`. */
  issuer: string;
  /** Accepted `aud` values (the partner's client_id). */
  audience: string | string[];
  /** Skip discovery and fetch the JWKS from here. */
  jwksUri?: string;
  /** Allowed clock difference for exp, nbf and iat. Default 5, at most 300. */
  clockToleranceSeconds?: number;
  /** Longer tokens are refused before any parsing. Default 8192. */
  maxTokenBytes?: number;
  /** Used for every request (discovery, JWKS). Default `globalThis.fetch`. */
  fetch?: typeof globalThis.fetch;
  /** Current time in epoch milliseconds. Default `Date.now`. */
  now?: () => number;
  jwks?: JwksCacheOptions;
  /**
   * Check each access token's `status` against the issuer's Token Status List, so a revoked token is
   * refused (`ERR_TOKEN_REVOKED`) within the list's ttl. Off when absent. See {@link StatusListOptions}.
   */
  statusList?: StatusListOptions;
  /** Receives every JWKS cache event (see {@link RpEvent}). */
  onEvent?: (event: RpEvent) => void;
}

/**
 * A token that passed every check.
 *
 * @example
 * ```ts
 * const { kind, claims, header } = await verifier.verifyAccessToken(token);
 * console.log(kind, claims.sub, claims.scope, header.kid);
 * ```
 */
export interface VerifiedToken {
  kind: TokenKind;
  claims: JWTPayload & { sub: string };
  header: CheckedHeader;
}

/**
 * A logout token that passed every check of Back-Channel Logout 1.0 §2.6 but the replay check,
 * which needs memory of earlier tokens (`createLogoutReceiver` keeps it).
 *
 * @example
 * ```ts
 * const { claims, acceptedUntil } = await verifier.verifyLogoutToken(logoutToken);
 * console.log(claims.sid ?? claims.sub, claims.jti, new Date(acceptedUntil * 1000));
 * ```
 */
export interface VerifiedLogoutToken {
  claims: JWTPayload & { jti: string; iat: number; sub?: string; sid?: string };
  header: CheckedHeader;
  /**
   * Epoch seconds after which this verifier would refuse the token anyway (its `exp`, or `iat` plus
   * the maximum age, whichever is first, plus the clock tolerance): how long a replay cache must
   * remember its `jti`.
   */
  acceptedUntil: number;
}

/**
 * Verifies Tessera's tokens offline against the cached JWKS. Every failure is an `RpError`.
 *
 * @example
 * ```ts
 * const verifier = createVerifier({ issuer: 'https://id.example.com', audience: 'my-client-id' });
 * await verifier.warmUp();
 * const { claims } = await verifier.verifyAccessToken(bearerToken);
 * process.on('SIGTERM', () => verifier.close());
 * ```
 */
export interface Verifier {
  /** RFC 9068 access token: header typ must be `at+jwt` (or `application/at+jwt`); requires iss, sub, aud, exp, iat, client_id, jti. */
  verifyAccessToken(token: string): Promise<VerifiedToken>;
  /** OIDC ID token: header typ absent or `JWT` (an at+jwt is refused); requires iss, sub, aud, exp, iat; checks `nonce` when given; when aud has several values `azp` must be one of ours. */
  verifyIdToken(token: string, options?: { nonce?: string }): Promise<VerifiedToken>;
  /**
   * OIDC Back-Channel Logout 1.0 logout token: header typ must be `logout+jwt` (an ID token is
   * refused); requires iss, aud, iat, jti, `events` with the back-channel logout member (an object),
   * `sub` or `sid`, no `nonce`; `exp` when present, and `iat` no older than `maxAgeSeconds` (default 300).
   * Does not detect replays: see `createLogoutReceiver`.
   */
  verifyLogoutToken(token: string, options?: { maxAgeSeconds?: number }): Promise<VerifiedLogoutToken>;
  /** Fetches discovery and the JWKS now (or loads the cacheFile); resolves when keys are usable. */
  warmUp(): Promise<void>;
  /** Counters for metrics/bench: { networkRequests, jwksFetches, jwksNotModified, jwksFailures, unknownKidRefetches }. */
  stats(): VerifierStats;
  /** Stops background refresh timers. */
  close(): void;
}

const MAX_CLOCK_TOLERANCE_SECONDS = 300;
export const DEFAULT_LOGOUT_TOKEN_MAX_AGE_SECONDS = 300;
export const MAX_LOGOUT_TOKEN_MAX_AGE_SECONDS = 3600;
const REQUIRED_CLAIMS: Record<JwtKind, string[]> = {
  access: ACCESS_TOKEN_REQUIRED_CLAIMS,
  id: ID_TOKEN_REQUIRED_CLAIMS,
  logout: LOGOUT_TOKEN_REQUIRED_CLAIMS,
};

/**
 * Makes a verifier for one issuer and audience. Nothing happens on the network until `warmUp()` or
 * the first verification. Bad options throw a TypeError at once.
 *
 * Order of checks, cheapest first (RFC 8725): size, shape, header (`crit`, alg RS256 only, kid, typ);
 * then the key by kid from the cached JWKS — never from `jku`, `x5u`, `jwk` or `x5c`; then the
 * signature, `iss`, `aud`, `exp`/`nbf`/`iat` with the clock tolerance, and the required claims.
 *
 * @example
 * ```ts
 * import { createVerifier, isRpError } from '@tessera/rp';
 *
 * const verifier = createVerifier({ issuer: 'https://id.example.com', audience: 'my-client-id' });
 * try {
 *   const { claims } = await verifier.verifyAccessToken(token);
 *   console.log(`request by ${claims.sub}`);
 * } catch (err) {
 *   if (isRpError(err, 'ERR_JWKS_UNAVAILABLE')) return reply(503);
 *   if (isRpError(err)) return reply(401, err.code);
 *   throw err;
 * }
 * ```
 */
export function createVerifier(options: VerifierOptions): Verifier {
  const { issuer } = options;
  checkIssuer(issuer);
  const audiences = checkAudience(options.audience);
  const clockToleranceSeconds = numberOption(options.clockToleranceSeconds, 'clockToleranceSeconds', 5, 0, MAX_CLOCK_TOLERANCE_SECONDS);
  const maxTokenBytes = numberOption(options.maxTokenBytes, 'maxTokenBytes', 8192, 64, 1024 * 1024);
  if (options.fetch !== undefined && typeof options.fetch !== 'function') throw new TypeError('fetch must be a function');
  if (options.now !== undefined && typeof options.now !== 'function') throw new TypeError('now must be a function');
  const now = options.now ?? Date.now;
  const cache = new JwksCache({ ...options.jwks, issuer, jwksUri: options.jwksUri, fetch: options.fetch, now, onEvent: options.onEvent });
  // Per verifier, so a check with state of its own can join: the token status list check, last
  // because it is the only one that may need the network.
  const accessTokenChecks: ClaimCheck[] = [...ACCESS_TOKEN_CHECKS];
  const statusLists = options.statusList === undefined ? undefined : new StatusListCache({
    ...options.statusList, issuer, jwks: cache, fetch: options.fetch, now, clockToleranceSeconds, onEvent: options.onEvent,
  });
  if (statusLists) accessTokenChecks.push(statusLists.check);
  const idTokenChecks: ClaimCheck[] = [...ID_TOKEN_CHECKS];

  async function verify(
    token: string,
    kind: JwtKind,
    checks: readonly ClaimCheck[],
    extra: { nonce?: string; maxTokenAgeSeconds?: number } = {},
  ): Promise<{ payload: JWTPayload; header: CheckedHeader }> {
    const header = checkTokenShape(token, kind, maxTokenBytes);
    const key = await cache.getKey(header.kid);
    const nowMs = now();
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, key, {
        algorithms: ['RS256'],
        issuer,
        audience: audiences,
        clockTolerance: clockToleranceSeconds,
        currentDate: new Date(nowMs),
        requiredClaims: REQUIRED_CLAIMS[kind],
        ...(extra.maxTokenAgeSeconds === undefined ? {} : { maxTokenAge: extra.maxTokenAgeSeconds }),
      }));
    } catch (err) {
      throw fromJoseError(err);
    }
    const context: CheckContext = { kind, audiences, nowSeconds: Math.floor(nowMs / 1000), clockToleranceSeconds, nonce: extra.nonce };
    for (const check of checks) {
      const pending = check(payload, context);
      if (pending) await pending;
    }
    return { payload, header };
  }

  async function verifyToken(token: string, kind: TokenKind, checks: readonly ClaimCheck[], nonce?: string): Promise<VerifiedToken> {
    const { payload, header } = await verify(token, kind, checks, { nonce });
    return { kind, claims: payload as VerifiedToken['claims'], header };
  }

  async function verifyLogoutToken(token: string, maxAgeSeconds: number): Promise<VerifiedLogoutToken> {
    // Back-Channel Logout 1.0 §2.6 step 4: iat as in an ID token; a token without exp still ages out.
    const { payload, header } = await verify(token, 'logout', LOGOUT_TOKEN_CHECKS, { maxTokenAgeSeconds: maxAgeSeconds });
    const claims = payload as VerifiedLogoutToken['claims'];
    const lastSecond = Math.min(claims.exp ?? Number.POSITIVE_INFINITY, claims.iat + maxAgeSeconds);
    return { claims, header, acceptedUntil: lastSecond + clockToleranceSeconds };
  }

  return {
    verifyAccessToken: (token) => verifyToken(token, 'access', accessTokenChecks),
    verifyIdToken: (token, verifyOptions) => verifyToken(token, 'id', idTokenChecks, verifyOptions?.nonce),
    verifyLogoutToken: async (token, verifyOptions) => verifyLogoutToken(token, numberOption(
      verifyOptions?.maxAgeSeconds, 'maxAgeSeconds', DEFAULT_LOGOUT_TOKEN_MAX_AGE_SECONDS, 1, MAX_LOGOUT_TOKEN_MAX_AGE_SECONDS,
    )),
    warmUp: () => cache.warmUp(),
    stats: () => {
      const jwks = cache.stats();
      if (!statusLists) return jwks;
      const lists = statusLists.stats();
      return { ...jwks, ...lists, networkRequests: jwks.networkRequests + lists.networkRequests };
    },
    close: () => {
      cache.close();
      statusLists?.close();
    },
  };
}

function checkIssuer(issuer: unknown): asserts issuer is string {
  let url: URL | undefined;
  try {
    url = typeof issuer === 'string' ? new URL(issuer) : undefined;
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.search || url.hash) {
    throw new TypeError('issuer must be an http(s) URL without query or fragment');
  }
}

function checkAudience(audience: unknown): string[] {
  const list = Array.isArray(audience) ? audience : [audience];
  if (list.length === 0 || list.some((value) => typeof value !== 'string' || value.length === 0)) {
    throw new TypeError('audience must be a non-empty string or a non-empty array of them');
  }
  return list as string[];
}
