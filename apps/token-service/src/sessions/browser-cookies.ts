import { Inject, Injectable } from '@nestjs/common';
import { cookieName } from '@tessera/operations';
import type { CookieOptions, Request, Response } from 'express';
import { TOKEN_SERVICE_CONFIG, TokenServiceConfig } from '../config/token-service.config';
import { hashOpaqueToken, newOpaqueToken } from '../crypto/opaque-token';

// Browsers share cookies across ports of one host, so the names say which app they belong to.
const SSO_COOKIE = 'tessera_sso';
const BROWSER_COOKIE = 'tessera_ua';

/** The names on this issuer: `__Host-` prefixed when it is served over https (Secure, Path=/, no Domain). */
export function browserCookieNames(secure: boolean): { sso: string; browser: string } {
  return { sso: cookieName(SSO_COOKIE, secure), browser: cookieName(BROWSER_COOKIE, secure) };
}

/** The two cookies the issuer keeps on its own origin: the SSO session and the browser binding. */
@Injectable()
export class BrowserCookies {
  private readonly base: CookieOptions;
  private readonly names: { sso: string; browser: string };

  constructor(@Inject(TOKEN_SERVICE_CONFIG) config: TokenServiceConfig) {
    // Lax: the cookie must ride along on the top-level redirects a sign-in is made of.
    this.base = { httpOnly: true, sameSite: 'lax', secure: config.secureCookies, path: '/' };
    this.names = browserCookieNames(config.secureCookies);
  }

  /**
   * The hash of this browser's binding cookie, set now if absent. A flow's verifiers are honoured
   * only from the browser that started it, so a verifier leaked from a URL is useless elsewhere.
   */
  browserBinding(req: Request, res: Response): string {
    let value = readCookie(req, this.names.browser);
    if (!value) {
      value = newOpaqueToken();
      res.cookie(this.names.browser, value, this.base);
    }
    return hashOpaqueToken(value);
  }

  existingBrowserBinding(req: Request): string | undefined {
    const value = readCookie(req, this.names.browser);
    return value ? hashOpaqueToken(value) : undefined;
  }

  ssoToken(req: Request): string | undefined {
    return readCookie(req, this.names.sso);
  }

  /** A remembered session outlives the browser; otherwise the cookie dies with it. */
  setSso(res: Response, token: string, maxAgeSeconds?: number): void {
    res.cookie(this.names.sso, token, maxAgeSeconds === undefined ? this.base : { ...this.base, maxAge: maxAgeSeconds * 1000 });
  }

  clearSso(res: Response): void {
    res.clearCookie(this.names.sso, this.base);
  }
}

function readCookie(req: Request, name: string): string | undefined {
  const value = (req.cookies as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' && value.length > 0 && value.length <= 128 ? value : undefined;
}
