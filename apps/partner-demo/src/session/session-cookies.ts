import type { CookieOptions, Response } from 'express';

// Named for this app: on one host name, browsers send every port's cookies to every other port
// (RFC 6265 §8.5), so on localhost these sit next to Tessera's own.
export const TRANSACTION_COOKIE = 'partner_demo_login';
export const ACCESS_TOKEN_COOKIE = 'partner_demo_at';
export const ID_TOKEN_COOKIE = 'partner_demo_id';

const TRANSACTION_PATH = '/callback';
const TRANSACTION_MAX_AGE_MS = 10 * 60 * 1000;

/**
 * The demo's own session: the tokens themselves, in HttpOnly cookies (no script may read them),
 * SameSite=Lax so a cross-site POST does not carry them (the CSRF defence of /logout, with the
 * Origin check), Secure on https.
 */
export class SessionCookies {
  constructor(private readonly secure: boolean) {}

  private options(path: string, maxAgeMs?: number): CookieOptions {
    return { httpOnly: true, sameSite: 'lax', secure: this.secure, path, ...(maxAgeMs === undefined ? {} : { maxAge: maxAgeMs }) };
  }

  /** The sealed sign-in transaction, sent back only to /callback. */
  setTransaction(res: Response, transaction: string): void {
    res.cookie(TRANSACTION_COOKIE, transaction, this.options(TRANSACTION_PATH, TRANSACTION_MAX_AGE_MS));
  }

  clearTransaction(res: Response): void {
    res.clearCookie(TRANSACTION_COOKIE, this.options(TRANSACTION_PATH));
  }

  /** Each cookie lives as long as its token: an expired token is of no use to keep. */
  setSession(res: Response, tokens: { accessToken: string; accessTokenTtlSeconds: number; idToken: string; idTokenTtlSeconds: number }): void {
    res.cookie(ACCESS_TOKEN_COOKIE, tokens.accessToken, this.options('/', tokens.accessTokenTtlSeconds * 1000));
    res.cookie(ID_TOKEN_COOKIE, tokens.idToken, this.options('/', tokens.idTokenTtlSeconds * 1000));
  }

  clearSession(res: Response): void {
    res.clearCookie(ACCESS_TOKEN_COOKIE, this.options('/'));
    res.clearCookie(ID_TOKEN_COOKIE, this.options('/'));
  }
}
