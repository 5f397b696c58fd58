/**
 * Every way a verification can fail, as a stable code a caller can switch on. The message is for
 * logs; it never echoes the token or its claims.
 *
 * @example
 * ```ts
 * function statusFor(code: RpErrorCode): number {
 *   return code === 'ERR_JWKS_UNAVAILABLE' ? 503 : 401;
 * }
 * ```
 */
export type RpErrorCode =
  | 'ERR_TOKEN_MALFORMED'
  | 'ERR_TOKEN_TOO_LARGE'
  | 'ERR_TOKEN_ALG'
  | 'ERR_TOKEN_KID'
  | 'ERR_TOKEN_KEY_UNKNOWN'
  | 'ERR_TOKEN_SIGNATURE'
  | 'ERR_TOKEN_ISSUER'
  | 'ERR_TOKEN_AUDIENCE'
  | 'ERR_TOKEN_TYPE'
  | 'ERR_TOKEN_EXPIRED'
  | 'ERR_TOKEN_NOT_YET_VALID'
  | 'ERR_TOKEN_CLAIMS'
  | 'ERR_TOKEN_NONCE'
  | 'ERR_TOKEN_REVOKED'
  | 'ERR_TOKEN_STATUS_UNAVAILABLE'
  | 'ERR_LOGOUT_TOKEN_INVALID'
  | 'ERR_LOGOUT_TOKEN_REPLAYED'
  | 'ERR_JWKS_UNAVAILABLE';

/**
 * The one error type a verifier rejects with. `code` is stable across versions; `message` is not.
 * `ERR_JWKS_UNAVAILABLE` and `ERR_TOKEN_STATUS_UNAVAILABLE` are the only codes that are not the token's
 * fault: the issuer's keys, or its status list in strict mode, could not be obtained (answer 503, not 401).
 *
 * @example
 * ```ts
 * import { RpError } from '@tessera/rp';
 *
 * try {
 *   await verifier.verifyAccessToken(token);
 * } catch (err) {
 *   if (err instanceof RpError && err.code === 'ERR_TOKEN_EXPIRED') return askForANewToken();
 *   throw err;
 * }
 * ```
 */
export class RpError extends Error {
  readonly code: RpErrorCode;

  constructor(code: RpErrorCode, message: string) {
    super(message);
    this.name = 'RpError';
    this.code = code;
  }
}

/**
 * Type guard for {@link RpError}, optionally for one code. Works across copies of the library
 * (checks the shape, not only the prototype).
 *
 * @example
 * ```ts
 * import { isRpError } from '@tessera/rp';
 *
 * if (isRpError(err, 'ERR_JWKS_UNAVAILABLE')) res.status(503).set('Retry-After', '30').end();
 * ```
 */
export function isRpError(err: unknown, code?: RpErrorCode): err is RpError {
  if (!(err instanceof Error) || err.name !== 'RpError') return false;
  const actual = (err as { code?: unknown }).code;
  return typeof actual === 'string' && (code === undefined || actual === code);
}
