import { InvalidToken } from '@tessera/contracts';
import { sameSecret } from '../crypto/opaque-token';

/**
 * Open registration is not offered: a request must carry the initial access token as a bearer
 * token (RFC 7591 §3, RFC 6750 §2.1). Without one configured, nobody can register.
 */
export function checkInitialAccessToken(authorizationHeader: string | undefined, configured: string | undefined): void {
  const presented = /^bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(authorizationHeader ?? '')?.[1];
  if (configured === undefined || presented === undefined || !sameSecret(presented, configured)) {
    throw new InvalidToken('a valid initial access token is required to register a client');
  }
}
