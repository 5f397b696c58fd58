import { RpError } from './errors';

/**
 * One stable code for each way jose can refuse a token. Matched on jose's own stable `code`
 * (not `instanceof`), so a second copy of jose in a partner's tree does not change the answer.
 * Only fixed texts and claim names reach the message: jose errors carry the claims in `payload`.
 */
export function fromJoseError(err: unknown): unknown {
  const { code, claim, reason } = (err ?? {}) as { code?: unknown; claim?: unknown; reason?: unknown };
  switch (code) {
    case 'ERR_JWT_EXPIRED':
      return new RpError('ERR_TOKEN_EXPIRED', 'the token has expired');
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      return fromClaimFailure(String(claim), String(reason));
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return new RpError('ERR_TOKEN_SIGNATURE', 'the token signature is not valid');
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
      return new RpError('ERR_TOKEN_ALG', 'the token is not signed with RS256');
    default:
      if (typeof code === 'string' && code.startsWith('ERR_J')) return new RpError('ERR_TOKEN_MALFORMED', 'the token is not a well-formed JWT');
      return err;
  }
}

const KNOWN_CLAIMS = new Set(['iss', 'sub', 'aud', 'exp', 'nbf', 'iat', 'jti', 'client_id', 'typ']);

function fromClaimFailure(claim: string, reason: string): RpError {
  const name = KNOWN_CLAIMS.has(claim) ? `"${claim}"` : 'a required';
  if (reason === 'missing' || reason === 'invalid') return new RpError('ERR_TOKEN_CLAIMS', `the token's ${name} claim is missing or invalid`);
  switch (claim) {
    case 'iss':
      return new RpError('ERR_TOKEN_ISSUER', 'the token is from another issuer');
    case 'aud':
      return new RpError('ERR_TOKEN_AUDIENCE', 'the token is not meant for this audience');
    case 'nbf':
    case 'iat':
      return new RpError('ERR_TOKEN_NOT_YET_VALID', 'the token is not valid yet');
    case 'typ':
      return new RpError('ERR_TOKEN_TYPE', 'the token has the wrong type');
    default:
      return new RpError('ERR_TOKEN_CLAIMS', `the token's ${name} claim is not valid`);
  }
}
