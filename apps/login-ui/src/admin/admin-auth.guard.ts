import { CanActivate, createParamDecorator, ExecutionContext, Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { ADMIN_SCOPE, adminAudience } from '@tessera/contracts';
import { createVerifier, TesseraAuthError, TesseraGuard, tesseraAuth, Verifier } from '@tessera/rp';
import type { Request } from 'express';
import { LOGIN_UI_CONFIG, LoginUiConfig } from '../config/login-ui.config';
import { issuerFetch } from '../token-service/issuer-fetch';
import { adminAccess } from './admin-access.rule';
import { AdminRefusal } from './admin-refusal';

const RETRY_AFTER_SECONDS = 5;
const REALM = 'tessera';

/**
 * Verifies admin access tokens offline, as any resource server of Tessera's would (libs/rp): the
 * issuer's JWKS, `aud` = the admin API's audience (so a token meant for a partner's API is never
 * taken here), and the status list in strict mode, so a revoked token is refused within one
 * STATUS_LIST_TTL and none is taken while revocation cannot be checked.
 */
@Injectable()
export class AdminTokenVerifier implements OnModuleDestroy {
  readonly verifier: Verifier;

  constructor(@Inject(LOGIN_UI_CONFIG) config: Pick<LoginUiConfig, 'issuer' | 'issuerInternalUrl'>) {
    this.verifier = createVerifier({
      issuer: config.issuer, audience: adminAudience(config.issuer), statusList: { mode: 'strict' }, fetch: issuerFetch(config),
    });
  }

  onModuleDestroy(): void {
    this.verifier.close();
  }
}

/** Who is acting, for the audit trail: a person's sub or `client:<client_id>`, and from where. */
export interface AdminActor {
  actor: string;
  ip?: string;
}

type AdminRequest = Request & { adminActor?: AdminActor };

/**
 * Every admin route: a Bearer access token issued by Tessera (RFC 6750 §2.1) whose scope includes
 * tessera:admin and whose roles include admin. No, a malformed, expired, revoked or foreign token:
 * 401 with the RFC 6750 §3 challenge; a valid token without the scope or the role: 403; the keys or
 * the status list out of reach: 503 with Retry-After (the token may be good).
 */
@Injectable()
export class AdminAuthGuard implements CanActivate {
  private readonly bearer: TesseraGuard;

  constructor(@Inject(AdminTokenVerifier) tokens: AdminTokenVerifier) {
    this.bearer = new TesseraGuard(tokens.verifier, { realm: REALM, retryAfterSeconds: RETRY_AFTER_SECONDS });
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<AdminRequest>();
    try {
      await this.bearer.canActivate(context);
    } catch (err) {
      if (!(err instanceof TesseraAuthError)) throw err;
      const error = err.statusCode === 503 ? 'unavailable' : err.statusCode === 400 ? 'invalid_request' : 'unauthorized';
      throw new AdminRefusal(err.statusCode, { error, message: err.error_description }, err.headers);
    }
    const access = adminAccess(tesseraAuth(req)!.claims);
    if (access.allowed) {
      req.adminActor = { actor: access.actor, ip: req.ip };
      return true;
    }
    if (access.missing === 'scope') {
      throw new AdminRefusal(403, { error: 'forbidden', message: `the token's scope does not include ${ADMIN_SCOPE}` }, {
        'WWW-Authenticate': `Bearer realm="${REALM}", error="insufficient_scope", scope="${ADMIN_SCOPE}"`,
      });
    }
    throw new AdminRefusal(403, { error: 'forbidden', message: 'the token does not carry the admin role' });
  }
}

/** The actor that AdminAuthGuard let through. */
export const Actor = createParamDecorator((_data: unknown, context: ExecutionContext): AdminActor => {
  const actor = context.switchToHttp().getRequest<AdminRequest>().adminActor;
  if (!actor) throw new Error('Actor used on a route without AdminAuthGuard');
  return actor;
});
