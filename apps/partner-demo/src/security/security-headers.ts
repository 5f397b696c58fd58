import type { NextFunction, Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';

/**
 * No script runs on these pages and nothing may frame them. `form-action` is left out: browsers
 * apply it to the redirects after a form POST, and sign-in and sign-out end on Tessera's origin.
 * helmet's default `upgrade-insecure-requests` is dropped: it breaks plain-http hosts other than
 * localhost. `same-origin` referrers: our own POSTs keep their Origin (with `no-referrer` a
 * browser sends `Origin: null`, which the logout check refuses), and no URL leaves for Tessera.
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
    referrerPolicy: { policy: 'same-origin' },
    // RFC 6797 §6.1: a year, subdomains included, once the origin is https.
    strictTransportSecurity: secure ? { maxAge: 31536000, includeSubDomains: true } : false,
  });
}

/** Pages show personal data and tokens: no cache may keep them. */
export function noStore(_req: Request, res: Response, next: NextFunction): void {
  res.setHeader('Cache-Control', 'no-store');
  next();
}
