import { RpError } from './errors';

/**
 * Which token a verification expects: an RFC 9068 access token or an OpenID Connect ID token.
 *
 * @example
 * ```ts
 * const { kind } = await verifier.verifyAccessToken(token); // kind === 'access'
 * ```
 */
export type TokenKind = 'access' | 'id';

/** Every JWT this kit verifies: the two a request carries, and the logout token an issuer posts (Back-Channel Logout 1.0 §2.4). */
export type JwtKind = TokenKind | 'logout';

/** The protected header members this kit looks at, after the cheap checks passed. */
export interface CheckedHeader {
  alg: 'RS256';
  kid: string;
  typ?: string;
}

const MAX_KID_LENGTH = 256;
// Two non-empty segments and a possibly empty third: an unsigned `alg: none` token ends in "." and
// must reach the alg check to be refused as such.
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/**
 * The checks that cost nothing, before any key lookup, network or crypto: size, shape, header.
 * Only RS256 is accepted, so `none`, HMAC with the public key as secret (the "alg confusion"
 * attack) and every other algorithm are refused up front (RFC 8725 §3.1, §2.1).
 */
export function checkTokenShape(token: unknown, kind: JwtKind, maxTokenBytes: number): CheckedHeader {
  if (typeof token !== 'string') throw new RpError('ERR_TOKEN_MALFORMED', 'the token is not a string');
  // Compared in UTF-16 units: anything longer is refused; anything non-ASCII fails the shape check next.
  if (token.length > maxTokenBytes) throw new RpError('ERR_TOKEN_TOO_LARGE', `the token is longer than ${maxTokenBytes} bytes`);
  if (!COMPACT_JWS.test(token)) throw new RpError('ERR_TOKEN_MALFORMED', 'the token is not three base64url segments');
  const [encodedHeader, encodedPayload, signature] = token.split('.') as [string, string, string];
  // A base64url string of length 4n+1 cannot come from any byte string.
  if ([encodedHeader, encodedPayload, signature].some((segment) => segment.length % 4 === 1)) {
    throw new RpError('ERR_TOKEN_MALFORMED', 'the token is not three base64url segments');
  }
  const header = decodeHeader(encodedHeader);
  // RFC 7515 §4.1.11: an extension we do not understand must make the token invalid; we understand none.
  if (header.crit !== undefined) throw new RpError('ERR_TOKEN_MALFORMED', 'the token has a "crit" header');
  if (header.alg !== 'RS256') throw new RpError('ERR_TOKEN_ALG', 'the token is not signed with RS256');
  const { kid } = header;
  if (typeof kid !== 'string' || kid.length === 0 || kid.length > MAX_KID_LENGTH) {
    throw new RpError('ERR_TOKEN_KID', 'the token has no usable "kid" header');
  }
  if (signature.length === 0) throw new RpError('ERR_TOKEN_MALFORMED', 'the token has no signature');
  const typ = header.typ;
  if (typ !== undefined && typeof typ !== 'string') throw new RpError('ERR_TOKEN_TYPE', 'the token has a non-string "typ" header');
  if (!typAllowed(kind, typ)) throw new RpError('ERR_TOKEN_TYPE', WRONG_TYPE[kind]);
  // jku, x5u, jwk and x5c are deliberately not read: the key comes only from the issuer's JWKS by kid.
  return typ === undefined ? { alg: 'RS256', kid } : { alg: 'RS256', kid, typ };
}

const WRONG_TYPE: Record<JwtKind, string> = {
  access: 'the token is not an access token (typ at+jwt)',
  id: 'the token is not an ID token',
  logout: 'the token is not a logout token (typ logout+jwt)',
};

/**
 * RFC 9068 §2.1: access tokens carry `typ: at+jwt` (media types compare case-insensitively, and the
 * `application/` prefix may be written out, RFC 7515 §4.1.9). ID tokens have no `typ` or `JWT`; an
 * `at+jwt` is never accepted as an ID token, which is the point of the explicit type (RFC 8725 §3.11).
 * Logout tokens must say `logout+jwt` (Back-Channel Logout 1.0 §2.4, §4.1): an ID token signed by
 * the same key is never taken for one.
 */
function typAllowed(kind: JwtKind, typ: string | undefined): boolean {
  const normalized = typ?.toLowerCase();
  if (kind === 'access') return normalized === 'at+jwt' || normalized === 'application/at+jwt';
  if (kind === 'logout') return normalized === 'logout+jwt' || normalized === 'application/logout+jwt';
  return normalized === undefined || normalized === 'jwt' || normalized === 'application/jwt';
}

function decodeHeader(segment: string): Record<string, unknown> {
  let header: unknown;
  try {
    header = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
  } catch {
    throw new RpError('ERR_TOKEN_MALFORMED', 'the token header is not JSON');
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    throw new RpError('ERR_TOKEN_MALFORMED', 'the token header is not a JSON object');
  }
  return header as Record<string, unknown>;
}
