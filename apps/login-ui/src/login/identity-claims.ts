import type { IdentityClaims } from '@tessera/contracts';
import type { User } from '../users/users.service';

/** OIDC Core §5.1 claims of the person; absent values are left out rather than sent empty. */
export function identityClaims(user: User): IdentityClaims {
  return {
    preferred_username: user.username,
    ...(user.name ? { name: user.name } : {}),
    ...(user.email ? { email: user.email, email_verified: user.emailVerified } : {}),
    updated_at: Math.floor(user.updatedAt / 1000),
  };
}
