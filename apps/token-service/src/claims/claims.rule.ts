/** A person's claims as the login UI released them: JSON scalars only. */
export type ClaimSet = Record<string, string | number | boolean>;

/** Which standard claims each scope releases (OIDC Core §5.4). */
const CLAIMS_BY_SCOPE: Record<string, readonly string[]> = {
  profile: ['name', 'preferred_username', 'given_name', 'family_name', 'nickname', 'picture', 'locale', 'zoneinfo', 'updated_at'],
  email: ['email', 'email_verified'],
};

/** The person's claims that the granted scope allows a client to see. */
export function claimsForScope(claims: ClaimSet, scope: readonly string[]): ClaimSet {
  const released: ClaimSet = {};
  for (const s of scope) {
    for (const name of CLAIMS_BY_SCOPE[s] ?? []) {
      if (claims[name] !== undefined && claims[name] !== null) released[name] = claims[name];
    }
  }
  return released;
}
