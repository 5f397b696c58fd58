import { ADMIN_ROLE, ADMIN_SCOPE } from '@tessera/contracts';

/** The claims of a verified access token that admin access depends on. */
export interface AdminTokenClaims {
  sub: string;
  client_id?: unknown;
  scope?: unknown;
  roles?: unknown;
}

export type AdminAccess =
  | { allowed: true; actor: string }
  | { allowed: false; missing: 'scope' | 'role' };

/**
 * A verified Tessera access token opens the admin API only when its `scope` includes
 * `tessera:admin` and its `roles` include `admin` (contracts admin-api.ts): the scope says the
 * client asked for admin access, the role that the person (or the service client, by the operator's
 * choice) holds it. The actor named in the audit trail is the person's `sub`, or `client:<client_id>`
 * for a client acting on its own behalf (RFC 6749 §4.4: its `sub` is its client_id).
 */
export function adminAccess(claims: AdminTokenClaims): AdminAccess {
  const scope = typeof claims.scope === 'string' ? claims.scope.split(' ') : [];
  if (!scope.includes(ADMIN_SCOPE)) return { allowed: false, missing: 'scope' };
  const roles = Array.isArray(claims.roles) ? claims.roles : [];
  if (!roles.includes(ADMIN_ROLE)) return { allowed: false, missing: 'role' };
  const actor = claims.sub === claims.client_id ? `client:${claims.sub}` : claims.sub;
  return { allowed: true, actor };
}
