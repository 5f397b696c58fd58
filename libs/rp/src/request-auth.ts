import type { IncomingMessage } from 'node:http';
import { AuthFailure, assertRealm, failureFor, malformedRequest, missingToken } from './auth-failure';
import { assertCookieName, TokenSource, tokenFromRequest } from './request-token';
import type { VerifiedToken, Verifier } from './verifier';

/**
 * Where the middleware and the guard read the token from, and what they accept.
 *
 * @example
 * ```ts
 * const options: TokenRequirementOptions = { cookieName: 'session_at', realm: 'shop', retryAfterSeconds: 10 };
 * app.use('/api', requireToken(verifier, options));
 * ```
 */
export interface TokenRequirementOptions {
  /** Also read the token from this cookie (the partner's own session cookie) when no Bearer header is sent. */
  cookieName?: string;
  /** Which token to expect: an RFC 9068 access token (default) or an ID token. */
  kind?: 'access' | 'id';
  /**
   * Let requests without any token through (without `tesseraAuth(req)`). A token that is sent
   * but invalid is still refused: a client that tried to authenticate must hear that it failed.
   */
  optional?: boolean;
  /** The `realm` of the `WWW-Authenticate` challenge (RFC 6750 §3). Default `"tessera"`. */
  realm?: string;
  /** `Retry-After` seconds of the 503 sent when the issuer's keys cannot be had. Default 30. */
  retryAfterSeconds?: number;
}

/**
 * The verified token of a request, as the middleware and the guard leave it on `req.tessera`.
 *
 * @example
 * ```ts
 * const auth: TesseraAuth | undefined = tesseraAuth(req);
 * if (auth?.kind === 'access') console.log(auth.claims.sub, auth.claims.scope, auth.source);
 * ```
 */
export interface TesseraAuth {
  /** The raw token (to forward to another API of the same audience). */
  token: string;
  claims: VerifiedToken['claims'];
  kind: 'access' | 'id';
  source: TokenSource;
}

/**
 * The verifier methods the web helpers use: a `Verifier` from `createVerifier`, or anything with these two methods.
 *
 * @example
 * ```ts
 * const tokens: TokenVerifier = createVerifier({ issuer, audience });
 * ```
 */
export type TokenVerifier = Pick<Verifier, 'verifyAccessToken' | 'verifyIdToken'>;

type Outcome = { auth?: TesseraAuth; failure?: undefined } | { auth?: undefined; failure: AuthFailure };

interface Settings {
  cookieName?: string;
  kind: 'access' | 'id';
  optional: boolean;
  realm: string;
  retryAfterSeconds: number;
}

/** Validates the options once, when the middleware or guard is built, so a typo fails at start-up. */
export function settingsFrom(options: TokenRequirementOptions): Settings {
  const { cookieName, kind = 'access', optional = false, realm = 'tessera', retryAfterSeconds = 30 } = options;
  assertCookieName(cookieName);
  assertRealm(realm);
  if (kind !== 'access' && kind !== 'id') throw new TypeError('kind must be "access" or "id"');
  if (!Number.isInteger(retryAfterSeconds) || retryAfterSeconds < 0) throw new TypeError('retryAfterSeconds must be a whole number ≥ 0');
  return { cookieName, kind, optional, realm, retryAfterSeconds };
}

/**
 * Reads and verifies the request's token. On success the result is also left on `req.tessera`.
 * Errors that are not verification errors (bugs) are thrown.
 */
export async function authenticate(verifier: TokenVerifier, req: IncomingMessage, settings: Settings): Promise<Outcome> {
  const found = tokenFromRequest(req.headers, settings.cookieName);
  if (found.kind === 'malformed') return { failure: malformedRequest(settings.realm, found.description) };
  if (found.kind === 'none') return settings.optional ? {} : { failure: missingToken(settings.realm) };
  let verified: VerifiedToken;
  try {
    verified = settings.kind === 'access'
      ? await verifier.verifyAccessToken(found.token)
      : await verifier.verifyIdToken(found.token);
  } catch (err) {
    const failure = failureFor(err, settings.realm, settings.kind, settings.retryAfterSeconds);
    if (!failure) throw err;
    return { failure };
  }
  const auth: TesseraAuth = { token: found.token, claims: verified.claims, kind: verified.kind, source: found.source };
  (req as IncomingMessage & { tessera?: TesseraAuth }).tessera = auth;
  return { auth };
}

/**
 * The verified token that `requireToken` or `TesseraGuard` left on this request, or undefined
 * when the request went through without one (`optional: true`) or never passed through them.
 *
 * @example
 * ```ts
 * app.get('/api/me', requireToken(verifier), (req, res) => {
 *   const { claims } = tesseraAuth(req)!;
 *   res.json({ sub: claims.sub, scope: claims.scope });
 * });
 * ```
 */
export function tesseraAuth(req: object): TesseraAuth | undefined {
  return (req as { tessera?: TesseraAuth }).tessera;
}
