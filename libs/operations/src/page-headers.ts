import type { NextFunction, Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';

export interface PageHeaderOptions {
  /** The page's origin is https: send HSTS. */
  secure: boolean;
  /**
   * `no-referrer` where URLs carry secrets (the login UI's challenges); `same-origin` where the
   * app's own POSTs must keep their Origin (a browser sends `Origin: null` under `no-referrer`).
   */
  referrerPolicy: 'no-referrer' | 'same-origin';
}

/**
 * The headers of a server-rendered page of ours: no script runs and nothing may frame it
 * (clickjacking a consent or sign-out button). `form-action` is left out on purpose: Chrome applies
 * it to every redirect after a form POST, and those chains end on another origin (a partner's
 * redirect_uri, Tessera's logout). helmet's default `upgrade-insecure-requests` is dropped because
 * it breaks plain-http hosts other than localhost.
 *
 * @example
 * ```ts
 * app.use(pageSecurityHeaders({ secure: config.secureCookies, referrerPolicy: 'no-referrer' }));
 * ```
 */
export function pageSecurityHeaders(options: PageHeaderOptions): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'none'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        baseUri: ["'none'"],
        frameAncestors: ["'none'"],
      },
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: options.referrerPolicy },
    // RFC 6797 §6.1: a year, subdomains included, once the origin is https.
    strictTransportSecurity: options.secure ? { maxAge: 31536000, includeSubDomains: true } : false,
  });
}

/**
 * Pages carry CSRF tokens, personal data and tokens: no cache may keep them.
 *
 * @example
 * ```ts
 * app.use(noStore);
 * ```
 */
export function noStore(_req: Request, res: Response, next: NextFunction): void {
  res.setHeader('Cache-Control', 'no-store');
  next();
}

/**
 * `X-Content-Type-Options: nosniff` for JSON APIs: a browser must never reinterpret an answer that
 * echoes request data (an error description) as a script or a page. Pages get it from helmet.
 *
 * @example
 * ```ts
 * app.use(noSniff);
 * ```
 */
export function noSniff(_req: Request, res: Response, next: NextFunction): void {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  next();
}
