import type { JWTPayload } from 'jose';
import { RpError } from './errors';
import type { TokenKind } from './token-shape';

/** What a check may look at besides the claims; the clock is the verifier's injected one. */
export interface CheckContext {
  kind: TokenKind;
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

/** RFC 9068 §2.2: client_id and jti are strings. */
const accessTokenIdentifiers: ClaimCheck = (claims) => {
  if (typeof claims.client_id !== 'string' || claims.client_id.length === 0) throw new RpError('ERR_TOKEN_CLAIMS', 'the token has no usable "client_id" claim');
  if (typeof claims.jti !== 'string' || claims.jti.length === 0) throw new RpError('ERR_TOKEN_CLAIMS', 'the token has no usable "jti" claim');
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
export const ACCESS_TOKEN_CHECKS: readonly ClaimCheck[] = [...COMMON_CHECKS, accessTokenIdentifiers];
export const ID_TOKEN_CHECKS: readonly ClaimCheck[] = [...COMMON_CHECKS, nonceMatches, authorizedPartyIsUs];
