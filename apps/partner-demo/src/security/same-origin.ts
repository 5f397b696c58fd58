import type { IncomingHttpHeaders } from 'node:http';

/**
 * Whether a state-changing request was sent by one of our own pages: its `Origin` (or, from a
 * browser that sends none, the `Referer`'s origin) must be ours. A request that shows neither is
 * refused. With the SameSite=Lax session cookies this is the CSRF defence of the POST forms
 * (OWASP CSRF Prevention: verifying origin with standard headers).
 */
export function isSameOriginRequest(headers: IncomingHttpHeaders, ownOrigin: string): boolean {
  const origin = headers.origin;
  if (typeof origin === 'string') return origin === ownOrigin; // also refuses the opaque "null"
  const referer = headers.referer;
  if (typeof referer !== 'string') return false;
  try {
    return new URL(referer).origin === ownOrigin;
  } catch {
    return false;
  }
}
