import { OAuthError } from '@tessera/contracts';
import type { OAuthErrorAnswer } from './oauth-json.filter';

/**
 * 429 with Retry-After (RFC 6585 §4) and an RFC 6749 §5.2 body. No error code is registered for
 * throttling at these endpoints: `slow_down` belongs to the device grant (RFC 8628 §3.5), where it
 * tells a client to lengthen its polling interval, so a client of another grant would misread it;
 * `temporarily_unavailable` (RFC 6749 §4.1.2.1, IANA OAuth Extensions Error Registry) means "cannot
 * handle the request now because of temporary overloading", which is what the client should act on.
 */
export function tooManyRequestsAnswer(retryAfterSeconds: number): OAuthErrorAnswer {
  const error = new OAuthError('temporarily_unavailable', `too many requests from this address; retry after ${retryAfterSeconds} seconds`, 429);
  return {
    status: error.status,
    headers: { 'Retry-After': String(retryAfterSeconds), 'Cache-Control': 'no-store', Pragma: 'no-cache' },
    body: error.toJSON(),
  };
}
