import type { JWTPayload } from 'jose';

/** Explicit typing keeps a logout token from passing for an ID or access token (Back-Channel Logout §4.1, RFC 8725 §3.11). */
export const LOGOUT_TOKEN_TYP = 'logout+jwt';
/** The member of `events` that makes a JWT a logout token (§2.4). */
export const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';
/** §2.4 recommends a short life, e.g. two minutes: the token is used once, right away. */
export const LOGOUT_TOKEN_TTL_SECONDS = 120;

export interface LogoutTokenFacts {
  issuer: string;
  clientId: string;
  subject: string;
  /** The SSO session that ended: the `sid` its ID tokens carried. */
  sessionId: string;
  /** Unique per token, so a receiver can refuse a replay (§2.6 step 10). */
  jti: string;
  /** Epoch milliseconds. */
  now: number;
}

/**
 * The claims of a logout token (OIDC Back-Channel Logout 1.0 §2.4): for one client (`aud`), about
 * one session (`sid`) of one person (`sub`). Always both, which satisfies a client that registered
 * `backchannel_logout_session_required`. Never a `nonce`: §2.4 forbids it, so that a logout token
 * can never be taken for an ID token.
 */
export function logoutTokenClaims(facts: LogoutTokenFacts): JWTPayload {
  const iat = Math.floor(facts.now / 1000);
  return {
    iss: facts.issuer,
    sub: facts.subject,
    aud: facts.clientId,
    iat,
    exp: iat + LOGOUT_TOKEN_TTL_SECONDS,
    jti: facts.jti,
    events: { [BACKCHANNEL_LOGOUT_EVENT]: {} },
    sid: facts.sessionId,
  };
}
