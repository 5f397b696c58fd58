import { InvalidToken } from '@tessera/contracts';
import { sameSecret } from '../crypto/opaque-token';
import { InitialAccessToken } from './initial-access-token.entity';

/**
 * Open registration is not offered: a request must carry an initial access token as a bearer token
 * (RFC 7591 §3, RFC 6750 §2.1). Answers the token, or refuses with 401 invalid_token.
 */
export function presentedInitialAccessToken(authorizationHeader: string | undefined): string {
  const presented = /^bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(authorizationHeader ?? '')?.[1];
  if (presented === undefined) throw refused();
  return presented;
}

/** The bootstrap token, INITIAL_ACCESS_TOKEN, compared in constant time; without one configured, none is. */
export function isBootstrapToken(presented: string, configured: string | undefined): boolean {
  return configured !== undefined && sameSecret(presented, configured);
}

export type InitialAccessTokenState = 'active' | 'expired' | 'used_up' | 'revoked';

/** What a stored token can do at `now` (the registration endpoint admits only `active` ones). */
export function initialAccessTokenState(token: Pick<InitialAccessToken, 'revokedAt' | 'expiresAt' | 'usesLeft'>, now: number): InitialAccessTokenState {
  if (token.revokedAt !== null) return 'revoked';
  if (token.expiresAt <= now) return 'expired';
  return token.usesLeft > 0 ? 'active' : 'used_up';
}

export function refused(): InvalidToken {
  return new InvalidToken('a valid initial access token is required to register a client');
}
