import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { OAuthError } from '@tessera/contracts';
import type { Request } from 'express';
import { TOKEN_SERVICE_CONFIG, TokenServiceConfig } from '../config/token-service.config';
import { sameSecret } from '../crypto/opaque-token';
import { listenerOf } from '../http/listeners';

/**
 * The internal API answers only on the internal listener and only to a caller holding the service
 * credential (`Authorization: Bearer INTERNAL_API_SECRET`): it can sign anyone in.
 */
@Injectable()
export class InternalApiGuard implements CanActivate {
  constructor(@Inject(TOKEN_SERVICE_CONFIG) private readonly config: TokenServiceConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<Request>();
    if (listenerOf(req) !== 'internal') throw new OAuthError('not_found', 'no such endpoint', 404);
    const header = req.headers.authorization ?? '';
    const match = /^Bearer ([\x21-\x7e]+)$/.exec(header);
    if (!match || !sameSecret(match[1], this.config.internalApiSecret)) {
      throw new OAuthError('unauthorized', 'the internal API needs the service credential', 401);
    }
    return true;
  }
}
