import { CanActivate, createParamDecorator, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { ADMIN_SCOPE } from '@tessera/contracts';
import type { Request } from 'express';
import { allowedScopes } from '../authorize/scope.rule';
import { ClientRepository } from '../clients/client.repository';
import { TOKEN_SERVICE_CONFIG, TokenServiceConfig } from '../config/token-service.config';
import { listenerOf } from '../http/listeners';
import { TokenLookup } from '../token/token-lookup';
import { decideAdminAccess } from './admin-access.rule';
import { AdminApiException, notFound } from './admin-api-error';

const ACTOR = Symbol('tessera.admin.actor');
const REALM = 'Bearer realm="tessera"';

/**
 * The admin API's door: an access token issued here (RS256, `typ: at+jwt`, this issuer, not
 * expired), still live — its grant not revoked, or for a service client's own token its status-list
 * entry not set, so a revocation takes effect here at once — whose scope includes `tessera:admin`,
 * whose `aud` names the admin API and whose `roles` include `admin` (admin-access.rule.ts). Its client
 * must still exist and still be allowed `tessera:admin`: deleting an admin client, or taking the scope
 * away, shuts its tokens out at once.
 *
 * 401 with an RFC 6750 §3 challenge (`error="invalid_token"` when a token was presented) for a missing,
 * malformed, expired, revoked or foreign token; 403 for a valid token without the scope or the role.
 */
@Injectable()
export class AdminAuthGuard implements CanActivate {
  constructor(
    @Inject(TOKEN_SERVICE_CONFIG) private readonly config: TokenServiceConfig,
    private readonly tokens: TokenLookup,
    private readonly clients: ClientRepository,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<Request>();
    // The listener boundary keeps admin paths off the public port; this holds even if it were bypassed.
    if (listenerOf(req) !== 'internal') throw notFound('admin API route');
    const token = bearerToken(req.headers.authorization);
    const found = await this.tokens.accessToken(token);
    if (!found || found.kind !== 'access_token') throw invalidToken('the access token is invalid, expired or revoked');
    const access = decideAdminAccess(found.claims, this.config.issuer);
    if (!access.allowed) {
      if (access.refusal === 'wrong_audience') throw invalidToken('the access token is not meant for the admin API');
      if (access.refusal === 'insufficient_scope') {
        throw new AdminApiException('forbidden', `the access token was not granted the ${ADMIN_SCOPE} scope`, {
          challenge: `${REALM}, error="insufficient_scope", scope="${ADMIN_SCOPE}"`,
        });
      }
      throw new AdminApiException('forbidden', 'the admin role is required');
    }
    const client = await this.clients.findById(access.clientId);
    if (!client || !allowedScopes(client.scope).includes(ADMIN_SCOPE)) throw invalidToken('the access token is invalid, expired or revoked');
    (req as unknown as Record<symbol, string>)[ACTOR] = access.actor;
    return true;
  }
}

/** Who is acting, for the audit: the person's sub, or `client:<client_id>` for a service client. */
export const AdminActor = createParamDecorator((_data: unknown, context: ExecutionContext): string => {
  const actor = (context.switchToHttp().getRequest<Request>() as unknown as Record<symbol, string | undefined>)[ACTOR];
  if (actor === undefined) throw new Error('AdminActor used on a route without AdminAuthGuard');
  return actor;
});

/** RFC 6750 §2.1; a request without credentials gets the challenge without an error code (§3.1). */
function bearerToken(header: string | undefined): string {
  if (header === undefined || header === '') {
    throw new AdminApiException('unauthorized', 'an access token is required', { challenge: REALM });
  }
  const match = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(header);
  if (!match) throw invalidToken('the Authorization header is not a Bearer token');
  return match[1];
}

function invalidToken(message: string): AdminApiException {
  return new AdminApiException('unauthorized', message, { challenge: `${REALM}, error="invalid_token"` });
}
