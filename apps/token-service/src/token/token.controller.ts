import { All, Body, Controller, Header, Headers, HttpCode, Post, Req, Res, UseFilters } from '@nestjs/common';
import { InvalidRequest, OAuthError, UnauthorizedClient, UnsupportedGrantType } from '@tessera/contracts';
import type { Request, Response } from 'express';
import { requiredParam } from '../authorize/params';
import { ClientAuthenticator } from '../clients/client-authenticator';
import { Client } from '../clients/client.entity';
import { AuthorizationCodeGrant } from './grants/authorization-code.grant';
import { ClientCredentialsGrant } from './grants/client-credentials.grant';
import { RefreshTokenGrant } from './grants/refresh-token.grant';
import { OAuthJsonFilter } from '../http/oauth-json.filter';
import { TokenResponse } from './token-issuer';

interface Grant {
  exchange(client: Client, params: Record<string, unknown>, now: number): Promise<TokenResponse>;
}

/** The token endpoint (RFC 6749 §3.2): authenticate the client, then hand over to its grant. */
@Controller('oauth2')
@UseFilters(OAuthJsonFilter)
export class TokenController {
  private readonly grants: Record<string, Grant>;

  constructor(
    private readonly clients: ClientAuthenticator,
    authorizationCode: AuthorizationCodeGrant,
    refreshToken: RefreshTokenGrant,
    clientCredentials: ClientCredentialsGrant,
  ) {
    this.grants = { authorization_code: authorizationCode, refresh_token: refreshToken, client_credentials: clientCredentials };
  }

  @Post('token')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  async token(@Req() req: Request, @Headers('authorization') authorization: string | undefined, @Body() body: unknown): Promise<TokenResponse> {
    const params = formBody(req, body);
    const client = await this.clients.authenticate(authorization, params);
    const grantType = requiredParam(params, 'grant_type');
    const grant = Object.hasOwn(this.grants, grantType) ? this.grants[grantType] : undefined;
    if (!grant) throw new UnsupportedGrantType(`grant_type ${grantType.slice(0, 64)} is not supported`);
    if (!(client.grantTypes as readonly string[]).includes(grantType)) throw new UnauthorizedClient(`the client may not use ${grantType}`);
    return grant.exchange(client, params, Date.now());
  }

  @All('token')
  otherMethod(@Res({ passthrough: true }) res: Response): never {
    return refuseNonPost(res);
  }
}

/**
 * RFC 6749 §3.2 (token), RFC 7662 §2.1 (introspection): POST only. Any other method gets the
 * standard JSON error with 405 and Allow, not a framework 404 that quotes the request URL.
 */
export function refuseNonPost(res: Response): never {
  res.setHeader('Allow', 'POST');
  throw new OAuthError('invalid_request', 'this endpoint accepts POST only', 405);
}

/** RFC 6749 §3.2: the token endpoint takes application/x-www-form-urlencoded, nothing else. */
export function formBody(req: Request, body: unknown): Record<string, unknown> {
  if (!req.is('application/x-www-form-urlencoded') || typeof body !== 'object' || body === null) {
    throw new InvalidRequest('the request body must be application/x-www-form-urlencoded');
  }
  return body as Record<string, unknown>;
}
