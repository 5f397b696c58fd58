import { isRpError } from './errors';

/** How a refused request is answered: status, headers and a JSON body. */
export interface AuthFailure {
  status: 400 | 401 | 503;
  headers: Record<string, string>;
  body: { error: string; error_description: string };
}

// RFC 6750 §3: the realm and error_description are quoted-strings limited to these characters.
const QUOTABLE = /^[\x20\x21\x23-\x5B\x5D-\x7E]*$/;

/** Checks a realm once, when the middleware or guard is built. */
export function assertRealm(realm: string): void {
  if (!QUOTABLE.test(realm)) throw new TypeError('realm may hold printable ASCII only, without " or \\ (RFC 6750 §3)');
}

/**
 * No token at all: a bare challenge, without error attributes (RFC 6750 §3.1: the client may not
 * have known it had to authenticate).
 */
export function missingToken(realm: string): AuthFailure {
  return {
    status: 401,
    headers: { 'WWW-Authenticate': `Bearer realm="${realm}"` },
    body: { error: 'unauthorized', error_description: 'This resource requires a Bearer token' },
  };
}

/** A Bearer header we cannot read: 400 invalid_request (RFC 6750 §3.1). */
export function malformedRequest(realm: string, description: string): AuthFailure {
  return challenge(400, realm, 'invalid_request', description);
}

/**
 * The answer for a verification error, or undefined when it is not one of ours (a bug to rethrow).
 * The issuer being unreachable is not the token's fault: 503 with Retry-After, and no challenge,
 * so that a client does not throw away a good token.
 */
export function failureFor(err: unknown, realm: string, kind: 'access' | 'id', retryAfterSeconds: number): AuthFailure | undefined {
  if (!isRpError(err)) return undefined;
  if (err.code === 'ERR_JWKS_UNAVAILABLE' || err.code === 'ERR_TOKEN_STATUS_UNAVAILABLE') {
    return {
      status: 503,
      headers: { 'Retry-After': String(retryAfterSeconds) },
      body: { error: 'temporarily_unavailable', error_description: 'The token cannot be verified right now; try again later' },
    };
  }
  return challenge(401, realm, 'invalid_token', describe(err.code, kind));
}

function challenge(status: 400 | 401, realm: string, error: string, description: string): AuthFailure {
  return {
    status,
    headers: { 'WWW-Authenticate': `Bearer realm="${realm}", error="${error}", error_description="${description}"` },
    body: { error, error_description: description },
  };
}

// Fixed texts: the answer never repeats anything from the token (the verifier's messages are not sent).
const DESCRIPTIONS: Record<string, string> = {
  ERR_TOKEN_MALFORMED: 'The token is malformed',
  ERR_TOKEN_TOO_LARGE: 'The token is too large',
  ERR_TOKEN_ALG: 'The token is not signed with an accepted algorithm',
  ERR_TOKEN_KID: 'The token does not name its signing key',
  ERR_TOKEN_KEY_UNKNOWN: 'The token is signed with an unknown key',
  ERR_TOKEN_SIGNATURE: 'The token signature is invalid',
  ERR_TOKEN_ISSUER: 'The token was issued by another issuer',
  ERR_TOKEN_AUDIENCE: 'The token is meant for another audience',
  ERR_TOKEN_EXPIRED: 'The token has expired',
  ERR_TOKEN_NOT_YET_VALID: 'The token is not valid yet',
  ERR_TOKEN_CLAIMS: 'The token lacks required claims',
  ERR_TOKEN_NONCE: 'The token nonce does not match',
  ERR_TOKEN_REVOKED: 'The token has been revoked',
};

function describe(code: string, kind: 'access' | 'id'): string {
  if (code === 'ERR_TOKEN_TYPE') return kind === 'access' ? 'The token is not an access token' : 'The token is not an ID token';
  return DESCRIPTIONS[code] ?? 'The token is invalid';
}
