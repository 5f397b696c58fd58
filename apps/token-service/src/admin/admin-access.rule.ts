import { ADMIN_ROLE, ADMIN_SCOPE, adminAudience } from '@tessera/contracts';
import type { JWTPayload } from 'jose';
import { splitScope } from '../authorize/scope.rule';
import { audienceOf } from '../token/own-jwt.rule';

export type AdminAccess =
  | { allowed: true; actor: string; clientId: string }
  /**
   * `insufficient_scope`: a valid token, not granted `tessera:admin` (403, RFC 6750 §3.1);
   * `wrong_audience`: it claims the scope but is not meant for the admin API (401 invalid_token);
   * `not_admin`: granted the scope, but the person (or client) does not hold the admin role (403).
   */
  | { allowed: false; refusal: 'insufficient_scope' | 'wrong_audience' | 'not_admin' };

/**
 * Whether the claims of a verified, live access token of ours let its holder use the admin API, and
 * who acts: the person (`sub`) of a person's token (it has a grant, `gid`), or `client:<client_id>`
 * for a service client's own token.
 *
 * @example
 * decideAdminAccess({ scope: 'openid tessera:admin', aud: ['console', `${iss}/admin/api`], roles: ['admin'], sub: 'u1', gid: 'g', client_id: 'console' }, iss)
 * // → { allowed: true, actor: 'u1', clientId: 'console' }
 */
export function decideAdminAccess(claims: JWTPayload, issuer: string): AdminAccess {
  const scope = typeof claims.scope === 'string' ? splitScope(claims.scope) : [];
  if (!scope.includes(ADMIN_SCOPE)) return { allowed: false, refusal: 'insufficient_scope' };
  // RFC 9068 §4: a resource server refuses a token whose aud does not name it.
  if (!(audienceOf(claims) ?? []).includes(adminAudience(issuer))) return { allowed: false, refusal: 'wrong_audience' };
  const { roles, sub, client_id: clientId } = claims;
  if (!Array.isArray(roles) || !roles.includes(ADMIN_ROLE)) return { allowed: false, refusal: 'not_admin' };
  if (typeof sub !== 'string' || typeof clientId !== 'string') return { allowed: false, refusal: 'wrong_audience' };
  const person = claims.gid !== undefined;
  return { allowed: true, actor: person ? sub : `client:${clientId}`, clientId };
}
