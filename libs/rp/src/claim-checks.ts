import type { JWTPayload } from 'jose';
import { RpError } from './errors';
import type { JwtKind } from './token-shape';

/** What a check may look at besides the claims; the clock is the verifier's injected one. */
export interface CheckContext {
  kind: JwtKind;
  audiences: readonly string[];
  nowSeconds: number;
  clockToleranceSeconds: number;
  nonce?: string;
}

/**
 * A rule over the claims of a token whose signature, iss, aud, exp and nbf jose has already checked.
 * Checks run in order; the first to throw an RpError decides. A check may be async (the status-list
 * check of a later issue reads a cached list) — the verifier awaits only when one returns a promise.
 */
export type ClaimCheck = (claims: JWTPayload, context: CheckContext) => void | Promise<void>;

export const ACCESS_TOKEN_REQUIRED_CLAIMS = ['iss', 'sub', 'aud', 'exp', 'iat', 'client_id', 'jti'];
export const ID_TOKEN_REQUIRED_CLAIMS = ['iss', 'sub', 'aud', 'exp', 'iat'];
// Back-Channel Logout 1.0 §2.4; `events` is checked by its own rule, for its own error code.
export const LOGOUT_TOKEN_REQUIRED_CLAIMS = ['iss', 'aud', 'iat', 'jti'];

/** The member of `events` that makes a JWT a logout token (Back-Channel Logout 1.0 §2.4). */
export const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

const subjectIsAString: ClaimCheck = (claims) => {
  if (typeof claims.sub !== 'string' || claims.sub.length === 0) throw new RpError('ERR_TOKEN_CLAIMS', 'the token has no usable "sub" claim');
};

/** jose checks that exp, nbf and iat are numbers; a JSON number can still be 1e400 (Infinity) — never expiring. */
const timesAreFinite: ClaimCheck = (claims) => {
  for (const claim of ['exp', 'iat', 'nbf'] as const) {
    const value = claims[claim];
    if (value !== undefined && !Number.isFinite(value)) throw new RpError('ERR_TOKEN_CLAIMS', `the token's "${claim}" claim is not a finite number`);
  }
};

/** jose checks iat in the future only with maxTokenAge; a token issued in the future is not valid yet. */
const notIssuedInTheFuture: ClaimCheck = (claims, { nowSeconds, clockToleranceSeconds }) => {
  if ((claims.iat as number) > nowSeconds + clockToleranceSeconds) throw new RpError('ERR_TOKEN_NOT_YET_VALID', 'the token is issued in the future');
};

/** RFC 9068 §2.2: client_id is a string. */
const clientIdIsAString: ClaimCheck = (claims) => {
  if (typeof claims.client_id !== 'string' || claims.client_id.length === 0) throw new RpError('ERR_TOKEN_CLAIMS', 'the token has no usable "client_id" claim');
};

/** RFC 9068 §2.2, Back-Channel Logout 1.0 §2.4: jti is a string (a logout token's is its replay key). */
const jtiIsAString: ClaimCheck = (claims) => {
  if (typeof claims.jti !== 'string' || claims.jti.length === 0) throw new RpError('ERR_TOKEN_CLAIMS', 'the token has no usable "jti" claim');
};

const isJsonObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Back-Channel Logout 1.0 §2.6 step 6: `events` is an object whose back-channel member is an object. */
const backChannelLogoutEvent: ClaimCheck = (claims) => {
  const { events } = claims;
  if (!isJsonObject(events) || !Object.hasOwn(events, BACKCHANNEL_LOGOUT_EVENT) || !isJsonObject(events[BACKCHANNEL_LOGOUT_EVENT])) {
    throw new RpError('ERR_LOGOUT_TOKEN_INVALID', 'the logout token has no back-channel logout event');
  }
};

/** Back-Channel Logout 1.0 §2.6 step 5: it names a session, a subject or both — as non-empty strings. */
const subjectOrSession: ClaimCheck = (claims) => {
  const usable = (value: unknown) => typeof value === 'string' && value.length > 0;
  if ((claims.sub !== undefined && !usable(claims.sub)) || (claims.sid !== undefined && !usable(claims.sid))) {
    throw new RpError('ERR_LOGOUT_TOKEN_INVALID', 'the logout token has an unusable "sub" or "sid" claim');
  }
  if (claims.sub === undefined && claims.sid === undefined) throw new RpError('ERR_LOGOUT_TOKEN_INVALID', 'the logout token has neither "sub" nor "sid"');
};

/**
 * Back-Channel Logout 1.0 §2.4, §2.6 step 7: a nonce is prohibited, so that a logout token can never
 * pass for an ID token in an authentication response.
 */
const noNonce: ClaimCheck = (claims) => {
  if (Object.hasOwn(claims, 'nonce')) throw new RpError('ERR_LOGOUT_TOKEN_INVALID', 'the logout token has a "nonce" claim');
};

/** OIDC Core §3.1.3.7 step 11: the nonce sent in the authentication request must come back. */
const nonceMatches: ClaimCheck = (claims, { nonce }) => {
  if (nonce !== undefined && claims.nonce !== nonce) throw new RpError('ERR_TOKEN_NONCE', 'the ID token nonce does not match');
};

/**
 * OIDC Core §3.1.3.7 steps 4–5: an ID token for several audiences must name the party it was issued
 * to in `azp`, and an `azp` that is present must be us.
 */
const authorizedPartyIsUs: ClaimCheck = (claims, { audiences }) => {
  const { azp } = claims;
  if (Array.isArray(claims.aud) && claims.aud.length > 1 && azp === undefined) {
    throw new RpError('ERR_TOKEN_AUDIENCE', 'the ID token has several audiences and no "azp" claim');
  }
  if (azp !== undefined && (typeof azp !== 'string' || !audiences.includes(azp))) {
    throw new RpError('ERR_TOKEN_AUDIENCE', 'the ID token was issued to another party ("azp")');
  }
};

const COMMON_CHECKS: ClaimCheck[] = [subjectIsAString, timesAreFinite, notIssuedInTheFuture];

// The built-in rules; createVerifier copies them per verifier, where the status list check will join.
export const ACCESS_TOKEN_CHECKS: readonly ClaimCheck[] = [...COMMON_CHECKS, clientIdIsAString, jtiIsAString];
export const ID_TOKEN_CHECKS: readonly ClaimCheck[] = [...COMMON_CHECKS, nonceMatches, authorizedPartyIsUs];
// A logout token's sub is optional (it may name the session only); the rest of the common rules hold.
export const LOGOUT_TOKEN_CHECKS: readonly ClaimCheck[] = [timesAreFinite, notIssuedInTheFuture, jtiIsAString, backChannelLogoutEvent, subjectOrSession, noNonce];
