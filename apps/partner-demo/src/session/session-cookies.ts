import { cookieName } from '@tessera/operations';
import type { CookieOptions, Request, Response } from 'express';

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
  /** The names on this origin: `__Host-` prefixed over https, so Secure, Path=/ and no Domain. */
  readonly names: { transaction: string; accessToken: string; idToken: string };
  // `__Host-` cookies must have Path=/ (RFC 6265bis §4.1.3.2); over plain http the transaction
  // cookie stays scoped to the one path that reads it.
  private readonly transactionPath: string;

  constructor(private readonly secure: boolean) {
    this.names = {
      transaction: cookieName(TRANSACTION_COOKIE, secure),
      accessToken: cookieName(ACCESS_TOKEN_COOKIE, secure),
      idToken: cookieName(ID_TOKEN_COOKIE, secure),
    };
    this.transactionPath = secure ? '/' : TRANSACTION_PATH;
  }

  private options(path: string, maxAgeMs?: number): CookieOptions {
    return { httpOnly: true, sameSite: 'lax', secure: this.secure, path, ...(maxAgeMs === undefined ? {} : { maxAge: maxAgeMs }) };
  }

  /** The sealed sign-in transaction, sent back only to /callback. */
  setTransaction(res: Response, transaction: string): void {
    res.cookie(this.names.transaction, transaction, this.options(this.transactionPath, TRANSACTION_MAX_AGE_MS));
  }

  clearTransaction(res: Response): void {
    res.clearCookie(this.names.transaction, this.options(this.transactionPath));
  }

  /** Each cookie lives as long as its token: an expired token is of no use to keep. */
  setSession(res: Response, tokens: { accessToken: string; accessTokenTtlSeconds: number; idToken: string; idTokenTtlSeconds: number }): void {
    res.cookie(this.names.accessToken, tokens.accessToken, this.options('/', tokens.accessTokenTtlSeconds * 1000));
    res.cookie(this.names.idToken, tokens.idToken, this.options('/', tokens.idTokenTtlSeconds * 1000));
  }

  clearSession(res: Response): void {
    res.clearCookie(this.names.accessToken, this.options('/'));
    res.clearCookie(this.names.idToken, this.options('/'));
  }

  /** The session cookies a request carries (parsed by cookie-parser); an empty one counts as absent. */
  sessionOf(req: Request): { accessToken?: string; idToken?: string } {
    return { accessToken: cookie(req, this.names.accessToken), idToken: cookie(req, this.names.idToken) };
  }

  transactionOf(req: Request): string | undefined {
    return cookie(req, this.names.transaction);
  }
}

function cookie(req: Request, name: string): string | undefined {
  const value = (req.cookies as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}
