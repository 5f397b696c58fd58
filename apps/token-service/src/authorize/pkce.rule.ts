import { InvalidGrant, InvalidRequest } from '@tessera/contracts';
import { createHash, timingSafeEqual } from 'node:crypto';

// BASE64URL(SHA256(verifier)) is always 43 characters (RFC 7636 §4.2).
const S256_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;
// code-verifier = 43*128unreserved (RFC 7636 §4.1).
const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;

/**
 * Every client MUST use PKCE with S256 (RFC 9700 §2.1.1); `plain` is refused, and an absent
 * method is `plain` (RFC 7636 §4.3), so it is refused too.
 */
export function checkCodeChallenge(challenge: string | undefined, method: string | undefined): string {
  if (challenge === undefined) throw new InvalidRequest('code_challenge is required (PKCE)');
  if (method !== 'S256') throw new InvalidRequest('code_challenge_method must be S256');
  if (!S256_CHALLENGE.test(challenge)) throw new InvalidRequest('code_challenge is not a valid S256 challenge');
  return challenge;
}

/** RFC 7636 §4.6: BASE64URL(SHA256(code_verifier)) must equal the stored challenge. */
export function checkCodeVerifier(verifier: string | undefined, challenge: string): void {
  if (verifier === undefined) throw new InvalidRequest('code_verifier is required');
  if (!VERIFIER.test(verifier)) throw new InvalidGrant('code_verifier is malformed');
  const computed = createHash('sha256').update(verifier, 'ascii').digest();
  const expected = Buffer.from(challenge, 'base64url');
  if (expected.length !== computed.length || !timingSafeEqual(computed, expected)) {
    throw new InvalidGrant('code_verifier does not match the code_challenge');
  }
}
