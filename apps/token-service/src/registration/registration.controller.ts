import { All, Body, Controller, Header, Headers, HttpCode, Inject, Post, Res, UseFilters } from '@nestjs/common';
import type { Response } from 'express';
import { clientInformation } from '../clients/client-information';
import { validateClientMetadata } from '../clients/client-metadata.rule';
import { Clients } from '../clients/clients.service';
import { TOKEN_SERVICE_CONFIG, TokenServiceConfig } from '../config/token-service.config';
import { checkInitialAccessToken } from './initial-access-token.rule';
import { OAuthJsonFilter } from '../http/oauth-json.filter';
import { refuseNonPost } from '../token/token.controller';

/** Dynamic client registration (RFC 7591). Clients registered here are never first-party. */
@Controller()
@UseFilters(OAuthJsonFilter)
export class RegistrationController {
  constructor(
    @Inject(TOKEN_SERVICE_CONFIG) private readonly config: TokenServiceConfig,
    @Inject(Clients) private readonly clients: Clients,
  ) {}

  @Post('/oauth2/register')
  @HttpCode(201)
  @Header('Cache-Control', 'no-store')
  async register(@Headers('authorization') authorization: string | undefined, @Body() body: unknown): Promise<Record<string, unknown>> {
    checkInitialAccessToken(authorization, this.config.initialAccessToken);
    const { client, clientSecret } = await this.clients.register(validateClientMetadata(body), { firstParty: false });
    return clientInformation(client, clientSecret);
  }

  // RFC 7591 §3.1: registration is an HTTP POST; this server offers no client configuration endpoint (RFC 7592).
  @All('/oauth2/register')
  otherMethod(@Res({ passthrough: true }) res: Response): never {
    return refuseNonPost(res);
  }
}
