import { Inject, Injectable } from '@nestjs/common';
import type { CookieOptions, Request, Response } from 'express';
import { TOKEN_SERVICE_CONFIG, TokenServiceConfig } from '../config/token-service.config';
import { hashOpaqueToken, newOpaqueToken } from '../crypto/opaque-token';

// Browsers share cookies across ports of one host, so the names say which app they belong to.
const SSO_COOKIE = 'tessera_sso';
const BROWSER_COOKIE = 'tessera_ua';

/** The two cookies the issuer keeps on its own origin: the SSO session and the browser binding. */
@Injectable()
export class BrowserCookies {
  private readonly base: CookieOptions;

  constructor(@Inject(TOKEN_SERVICE_CONFIG) config: TokenServiceConfig) {
    // Lax: the cookie must ride along on the top-level redirects a sign-in is made of.
    this.base = { httpOnly: true, sameSite: 'lax', secure: config.secureCookies, path: '/' };
  }

  /**
   * The hash of this browser's binding cookie, set now if absent. A flow's verifiers are honoured
   * only from the browser that started it, so a verifier leaked from a URL is useless elsewhere.
   */
  browserBinding(req: Request, res: Response): string {
    let value = readCookie(req, BROWSER_COOKIE);
    if (!value) {
      value = newOpaqueToken();
      res.cookie(BROWSER_COOKIE, value, this.base);
    }
    return hashOpaqueToken(value);
  }

  existingBrowserBinding(req: Request): string | undefined {
    const value = readCookie(req, BROWSER_COOKIE);
    return value ? hashOpaqueToken(value) : undefined;
  }

  ssoToken(req: Request): string | undefined {
    return readCookie(req, SSO_COOKIE);
  }

  /** A remembered session outlives the browser; otherwise the cookie dies with it. */
  setSso(res: Response, token: string, maxAgeSeconds?: number): void {
    res.cookie(SSO_COOKIE, token, maxAgeSeconds === undefined ? this.base : { ...this.base, maxAge: maxAgeSeconds * 1000 });
  }

  clearSso(res: Response): void {
    res.clearCookie(SSO_COOKIE, this.base);
  }
}

function readCookie(req: Request, name: string): string | undefined {
  const value = (req.cookies as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' && value.length > 0 && value.length <= 128 ? value : undefined;
}
