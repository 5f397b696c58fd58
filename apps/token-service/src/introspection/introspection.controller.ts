import { All, Body, Controller, Header, Headers, HttpCode, Inject, Post, Req, Res, UseFilters } from '@nestjs/common';
import type { Request, Response } from 'express';
import { requiredParam } from '../authorize/params';
import { ClientAuthenticator } from '../clients/client-authenticator';
import { TOKEN_SERVICE_CONFIG, TokenServiceConfig } from '../config/token-service.config';
import { OAuthJsonFilter } from '../http/oauth-json.filter';
import { formBody, refuseNonPost } from '../token/token.controller';
import { TokenLookup } from '../token/token-lookup';

/** RFC 7662 token introspection, for authenticated clients. */
@Controller('oauth2')
@UseFilters(OAuthJsonFilter)
export class IntrospectionController {
  constructor(
    @Inject(TOKEN_SERVICE_CONFIG) private readonly config: TokenServiceConfig,
    private readonly clients: ClientAuthenticator,
    private readonly tokens: TokenLookup,
  ) {}

  @Post('introspect')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  async introspect(@Req() req: Request, @Headers('authorization') authorization: string | undefined, @Body() body: unknown): Promise<Record<string, unknown>> {
    const params = formBody(req, body);
    const client = await this.clients.authenticate(authorization, params);
    const found = await this.tokens.find(requiredParam(params, 'token'), Date.now());
    // §2.2: anything not active, unknown or malformed is just {"active": false}.
    if (!found) return { active: false };
    if (found.kind === 'refresh_token') {
      // A refresh token is the client's own secret: only its owner may ask about it.
      if (found.refreshToken.clientId !== client.clientId) return { active: false };
      return {
        active: true,
        scope: found.refreshToken.scope,
        client_id: found.refreshToken.clientId,
        sub: found.grant.subject,
        iss: this.config.issuer,
        iat: Math.floor(found.refreshToken.createdAt / 1000),
        exp: Math.floor(found.refreshToken.expiresAt / 1000),
        token_type: 'refresh_token',
      };
    }
    // Access tokens are meant for resource servers, which introspect as clients of their own.
    const { iss, sub, aud, client_id, scope, exp, iat, jti } = found.claims;
    return { active: true, iss, sub, aud, client_id, scope, exp, iat, jti, token_type: 'Bearer' };
  }

  @All('introspect')
  otherMethod(@Res({ passthrough: true }) res: Response): never {
    return refuseNonPost(res);
  }
}
