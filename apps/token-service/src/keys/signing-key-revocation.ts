/**
 * What `keys:revoke` tells the rest of the token service about a compromised key. Implemented by the
 * status-list service (issue 4): it sets the status bit of every access token signed by `kid`, i.e.
 * issued between `signedFrom` and `signedUntil`. Provided under SIGNING_KEY_REVOCATION_HOOK; without
 * a provider, revoking a key still removes it from the JWKS (so nothing it signed verifies once
 * partners refresh their cache) and the revocation stays recorded (`SigningKeyRepository.findRevoked`)
 * for a later reconciliation.
 */
export interface SigningKeyRevocationHook {
  signingKeyRevoked(key: RevokedSigningKey): Promise<void>;
}

export const SIGNING_KEY_REVOCATION_HOOK = Symbol('SIGNING_KEY_REVOCATION_HOOK');

export interface RevokedSigningKey {
  kid: string;
  /** Epoch milliseconds: null when it never became active (a `next` key signed nothing). */
  signedFrom: number | null;
  /**
   * Epoch milliseconds: when it stopped signing (retired or revoked) plus one reload interval,
   * since other instances may have signed with it until they re-read the keys.
   */
  signedUntil: number | null;
  revokedAt: number;
}
