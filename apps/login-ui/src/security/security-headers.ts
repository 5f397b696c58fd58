import type { NextFunction, Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';

/**
 * No script runs on these pages and nothing may frame them (clickjacking a consent button).
 * `form-action` is left out on purpose: Chrome applies it to every redirect after a form POST, and
 * that chain ends at a partner's redirect_uri. helmet's default `upgrade-insecure-requests` is
 * dropped because it breaks plain-http hosts other than localhost.
 */
export function securityHeaders(secure: boolean): RequestHandler {
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
    // Challenges travel in URLs: never hand them to another site in a Referer.
    referrerPolicy: { policy: 'no-referrer' },
    // RFC 6797 §6.1: a year, subdomains included, once the origin is https.
    strictTransportSecurity: secure ? { maxAge: 31536000, includeSubDomains: true } : false,
  });
}

/** Pages carry CSRF tokens and personal data: no cache may keep them. */
export function noStore(_req: Request, res: Response, next: NextFunction): void {
  res.setHeader('Cache-Control', 'no-store');
  next();
}
