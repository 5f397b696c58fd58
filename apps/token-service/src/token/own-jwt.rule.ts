import type { JWTPayload } from 'jose';

// RFC 7515 §7.1 with §2: exactly three base64url parts, without padding. A lenient decoder also takes
// "=" padding or the base64 alphabet in the signature, which would give one token several spellings.
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** The token is written as a JWS Compact Serialization, strictly: checked before any verification. */
export function isStrictCompactJws(token: string): boolean {
  return COMPACT_JWS.test(token);
}

/**
 * `exp` is REQUIRED in our access tokens (RFC 9068 §2.2) and ID tokens (OIDC Core §2); the signature
 * verifier only checks it when present, and JSON's 1e400 parses as Infinity. Either would never expire.
 */
export function hasFiniteExpiry(payload: JWTPayload): boolean {
  return typeof payload.exp === 'number' && Number.isFinite(payload.exp);
}

/**
 * `aud` as a list, or undefined when it is not what RFC 7519 §4.1.3 allows (a string or an array of
 * strings) — or absent, which an ID token never is (OIDC Core §2).
 */
export function audienceOf(payload: JWTPayload): string[] | undefined {
  const { aud } = payload;
  if (typeof aud === 'string') return [aud];
  if (Array.isArray(aud) && aud.every((a) => typeof a === 'string')) return aud;
  return undefined;
}
