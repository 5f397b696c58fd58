import type { NextFunction, Request, RequestHandler, Response } from 'express';

/** Why a public URL was refused; the caller wraps it in its ConfigError naming the variable. */
export class InsecureTransport extends Error {}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

export function isLoopbackUrl(url: string): boolean {
  const host = new URL(url).hostname;
  return LOOPBACK_HOSTS.has(host) || host.endsWith('.localhost') || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/**
 * Tokens, codes and session cookies travel only over TLS in production (RFC 9700 §4.1.1, RFC 6749
 * §3.1): a plain-http public URL is refused unless it is a loopback address, or the operator has
 * said `allowInsecureHttp` (production mode on a development machine). Behind a TLS-terminating
 * proxy the public URL *is* https, so that deployment needs no exception.
 *
 * @example
 * ```ts
 * assertSecureTransport('http://id.example.com', { production: true, allowInsecureHttp: false });
 * // throws InsecureTransport
 * ```
 */
export function assertSecureTransport(url: string, options: { production: boolean; allowInsecureHttp: boolean }): void {
  if (!options.production || options.allowInsecureHttp) return;
  if (new URL(url).protocol === 'https:' || isLoopbackUrl(url)) return;
  throw new InsecureTransport('must be an https URL when NODE_ENV=production (plain http only on loopback, or with ALLOW_INSECURE_HTTP=true)');
}

/**
 * A cookie's name on an https origin: the `__Host-` prefix makes the browser refuse it unless it
 * is Secure, has Path=/ and no Domain (RFC 6265bis §4.1.3.2), so neither a sibling subdomain nor
 * a plain-http page can plant or shadow it. Over plain http (development) the browser would
 * refuse a prefixed cookie, so the bare name is used there.
 *
 * @example
 * ```ts
 * cookieName('tessera_sso', true);  // '__Host-tessera_sso'
 * cookieName('tessera_sso', false); // 'tessera_sso'
 * ```
 */
export function cookieName(name: string, secure: boolean): string {
  return secure ? `__Host-${name}` : name;
}

/** One year, subdomains included: the value the HSTS preload list asks for (RFC 6797 §6.1). */
export const HSTS_VALUE = 'max-age=31536000; includeSubDomains';

/** Sends HSTS on every response when the public URL is https; does nothing over plain http (RFC 6797 §7.2). */
export function strictTransportSecurity(secure: boolean): RequestHandler {
  return (_req: Request, res: Response, next: NextFunction) => {
    if (secure) res.setHeader('Strict-Transport-Security', HSTS_VALUE);
    next();
  };
}
