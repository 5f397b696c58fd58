import { decodeJwt, decodeProtectedHeader, JWTPayload, ProtectedHeaderParameters } from 'jose';

/** Longer input is refused before any decoding (libs/rp's default limit for tokens). */
export const MAX_TOKEN_LENGTH = 8192;
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

export type DecodedToken =
  | { ok: true; header: ProtectedHeaderParameters; claims: JWTPayload; kind: 'access token' | 'ID token' | 'logout token' | 'JWT' }
  | { ok: false; problem: string };

/**
 * A pasted token read as a JWT, without trusting anything in it yet: its header and claims, and what
 * kind of Tessera token its `typ` says it is (RFC 9068 `at+jwt`, an ID token's absent or `JWT` typ).
 * Signature, expiry and revocation are checked afterwards (token-inspector.ts).
 */
export function decodeToken(input: string): DecodedToken {
  const token = input.trim();
  if (token === '') return { ok: false, problem: 'Paste a token to inspect.' };
  if (token.length > MAX_TOKEN_LENGTH) return { ok: false, problem: `That is longer than ${MAX_TOKEN_LENGTH} characters: not a token Tessera issues.` };
  if (!token.includes('.')) return { ok: false, problem: 'This is not a JWT. Refresh tokens and other opaque values of Tessera hold nothing to decode.' };
  if (!COMPACT_JWS.test(token)) return { ok: false, problem: 'This is not a signed JWT (three base64url parts separated by dots).' };
  let header: ProtectedHeaderParameters;
  let claims: JWTPayload;
  try {
    header = decodeProtectedHeader(token);
    claims = decodeJwt(token);
  } catch {
    return { ok: false, problem: 'The header or the claims are not valid base64url-encoded JSON.' };
  }
  return { ok: true, header, claims, kind: kindOf(header, claims) };
}

function kindOf(header: ProtectedHeaderParameters, claims: JWTPayload): 'access token' | 'ID token' | 'logout token' | 'JWT' {
  const typ = typeof header.typ === 'string' ? header.typ.toLowerCase().replace(/^application\//, '') : undefined;
  if (typ === 'at+jwt') return 'access token';
  if (typ === 'logout+jwt') return 'logout token';
  if ((typ === undefined || typ === 'jwt') && typeof claims.sub === 'string' && claims.aud !== undefined && claims.client_id === undefined) return 'ID token';
  return 'JWT';
}

export type Expiry =
  | { state: 'none'; text: string }
  | { state: 'valid' | 'expired' | 'not-yet-valid'; text: string; at: number };

/** What `exp` and `nbf` say at `now` (epoch ms), in words. */
export function describeExpiry(claims: JWTPayload, now: number): Expiry {
  if (typeof claims.nbf === 'number' && claims.nbf * 1000 > now) return { state: 'not-yet-valid', text: `Not valid before ${iso(claims.nbf * 1000)}.`, at: claims.nbf * 1000 };
  if (typeof claims.exp !== 'number' || !Number.isFinite(claims.exp)) return { state: 'none', text: 'It has no expiry (exp): Tessera never issues such a token.' };
  const at = claims.exp * 1000;
  if (at <= now) return { state: 'expired', text: `Expired ${duration(now - at)} ago, at ${iso(at)}.`, at };
  return { state: 'valid', text: `Valid for another ${duration(at - now)}, until ${iso(at)}.`, at };
}

function iso(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** A rough duration: `45 s`, `12 min`, `3 h 5 min`, `2 days`. */
export function duration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
  return `${Math.floor(hours / 24)} days`;
}
