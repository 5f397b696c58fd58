import type { IdentityClaims } from '@tessera/contracts';
import type { User } from '../users/users.service';

/** OIDC Core §5.1 claims of the person and their roles; absent values are left out rather than sent empty. */
export function identityClaims(user: User): IdentityClaims {
  return {
    preferred_username: user.username,
    ...(user.name ? { name: user.name } : {}),
    // given_name, family_name, picture, locale, zoneinfo: only those the account has (account-fields.rule.ts).
    ...user.profile,
    ...(user.email ? { email: user.email, email_verified: user.emailVerified } : {}),
    updated_at: Math.floor(user.updatedAt / 1000),
    // The token service puts them only into access tokens for the admin API (tessera:admin scope).
    ...(user.roles.length ? { roles: user.roles } : {}),
  };
}
