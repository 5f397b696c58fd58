import type { IncomingHttpHeaders } from 'node:http';

/**
 * Where the token of a request came from.
 *
 * @example
 * ```ts
 * if (tesseraAuth(req)?.source === 'cookie') res.setHeader('Vary', 'Cookie');
 * ```
 */
export type TokenSource = 'authorization' | 'cookie';

/** What a request carries: a token, nothing, or a Bearer header we must refuse (RFC 6750 §3.1 invalid_request). */
export type RequestToken =
  | { kind: 'token'; token: string; source: TokenSource }
  | { kind: 'none' }
  | { kind: 'malformed'; description: string };

// RFC 6750 §2.1: b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;
// The auth-scheme is case-insensitive (RFC 7235 §2.1); one or more spaces before the credentials.
const BEARER = /^bearer(?: +(.*))?$/i;
const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * The token of a request: `Authorization: Bearer <token>` first, then (when `cookieName` is given)
 * that cookie. Another auth scheme in the header is not ours and is ignored; a Bearer header that
 * does not hold exactly one token is refused rather than guessed at.
 */
export function tokenFromRequest(headers: IncomingHttpHeaders, cookieName?: string): RequestToken {
  const authorization = headers.authorization;
  if (typeof authorization === 'string') {
    const bearer = BEARER.exec(authorization.trim());
    if (bearer) {
      const credentials = bearer[1]?.trim();
      if (!credentials) return { kind: 'malformed', description: 'The Bearer authorization header carries no token' };
      if (!B64TOKEN.test(credentials)) return { kind: 'malformed', description: 'The Bearer authorization header must carry exactly one token' };
      return { kind: 'token', token: credentials, source: 'authorization' };
    }
  }
  if (cookieName !== undefined) {
    const value = cookieValue(headers.cookie, cookieName);
    // A cookie that cannot be a token is sent on to the verifier, which refuses it as malformed:
    // the person does have a (broken) session and should hear that it is invalid, not that none was sent.
    if (value !== undefined && value !== '') return { kind: 'token', token: value, source: 'cookie' };
  }
  return { kind: 'none' };
}

/** Checks a cookie name once, when the middleware or guard is built. */
export function assertCookieName(name: string | undefined): void {
  if (name !== undefined && !COOKIE_NAME.test(name)) throw new TypeError(`"${name}" is not a valid cookie name (RFC 6265 §4.1.1)`);
}

/**
 * The first cookie called `name` in a Cookie header (RFC 6265 §5.4: browsers send the most
 * specific path first). Values set URI-encoded (as Express's `res.cookie` does) are decoded.
 */
export function cookieValue(header: string | string[] | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  const joined = Array.isArray(header) ? header.join('; ') : header;
  for (const pair of joined.split(';')) {
    const eq = pair.indexOf('=');
    if (eq < 0 || pair.slice(0, eq).trim() !== name) continue;
    let value = pair.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    try {
      return decodeURIComponent(value);
    } catch {
      return value;
    }
  }
  return undefined;
}
