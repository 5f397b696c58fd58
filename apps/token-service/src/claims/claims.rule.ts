import { ADMIN_SCOPE, adminAudience } from '@tessera/contracts';

/** A person's claims as the login UI released them: JSON scalars, and `roles`, a list of role names. */
export type ClaimSet = Record<string, string | number | boolean | string[]>;

/** Which standard claims each scope releases (OIDC Core §5.4). `roles` is in none of them. */
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

/** The roles the login UI sent for a person (interaction-body.rule checked their shape); none otherwise. */
export function rolesOf(claims: ClaimSet): string[] {
  const roles = claims.roles;
  return Array.isArray(roles) ? roles : [];
}

/**
 * `aud` and `roles` of an access token. One whose scope includes `tessera:admin` is meant for the
 * admin API too, so it names that resource in `aud` beside the client (RFC 9068 §3, contracts
 * `adminAudience`) and carries the roles the admin API decides by. No other token carries roles:
 * they are never released to an ID token or userinfo, whatever the scope.
 *
 * @example
 * accessTokenAudience(['openid'], 'c1', iss, ['admin'])        // { aud: 'c1' }
 * accessTokenAudience(['tessera:admin'], 'c1', iss, ['admin']) // { aud: ['c1', `${iss}/admin/api`], roles: ['admin'] }
 */
export function accessTokenAudience(
  scope: readonly string[], clientId: string, issuer: string, roles: readonly string[],
): { aud: string | string[]; roles?: string[] } {
  if (!scope.includes(ADMIN_SCOPE)) return { aud: clientId };
  return { aud: [clientId, adminAudience(issuer)], roles: [...roles] };
}
