import { InvalidGrant, InvalidRequest } from '@tessera/contracts';
import { createHash } from 'node:crypto';
import { checkCodeChallenge, checkCodeVerifier } from './pkce.rule';

// RFC 7636 Appendix B: the specification's own example pair.
const RFC_VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
const RFC_CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

describe('PKCE (RFC 7636, RFC 9700 §2.1.1)', () => {
  it('accepts the RFC 7636 Appendix B verifier for its challenge', () => {
    expect(checkCodeChallenge(RFC_CHALLENGE, 'S256')).toBe(RFC_CHALLENGE);
    expect(() => checkCodeVerifier(RFC_VERIFIER, RFC_CHALLENGE)).not.toThrow();
  });

  it.each([
    ['no challenge', undefined, 'S256', /code_challenge is required/],
    ['plain method', RFC_CHALLENGE, 'plain', /must be S256/],
    ['no method (means plain, RFC 7636 §4.3)', RFC_CHALLENGE, undefined, /must be S256/],
    ['lower-case method', RFC_CHALLENGE, 's256', /must be S256/],
    ['too short', RFC_CHALLENGE.slice(1), 'S256', /not a valid S256/],
    ['too long', `${RFC_CHALLENGE}A`, 'S256', /not a valid S256/],
    ['padding', `${RFC_CHALLENGE.slice(0, 42)}=`, 'S256', /not a valid S256/],
    ['standard base64 alphabet', RFC_CHALLENGE.replace('-', '+'), 'S256', /not a valid S256/],
  ])('refuses a challenge with %s', (_case, challenge, method, message) => {
    expect(() => checkCodeChallenge(challenge, method)).toThrow(InvalidRequest);
    expect(() => checkCodeChallenge(challenge, method)).toThrow(message);
  });

  it('asks for a missing verifier with invalid_request', () => {
    expect(() => checkCodeVerifier(undefined, RFC_CHALLENGE)).toThrow(InvalidRequest);
  });

  it.each([
    ['another valid verifier', 'x'.repeat(43)],
    ['the challenge itself (plain downgrade)', RFC_CHALLENGE],
    ['42 characters', RFC_VERIFIER.slice(0, 42)],
    ['129 characters', 'a'.repeat(129)],
    ['a character outside the unreserved set', `${RFC_VERIFIER.slice(0, 42)}!`],
  ])('refuses %s with invalid_grant', (_case, verifier) => {
    expect(() => checkCodeVerifier(verifier, RFC_CHALLENGE)).toThrow(InvalidGrant);
  });

  it('accepts a 128-character verifier made of every unreserved character class', () => {
    const verifier = ('aZ09-._~'.repeat(16)).slice(0, 128);
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    expect(() => checkCodeVerifier(verifier, challenge)).not.toThrow();
  });
});
