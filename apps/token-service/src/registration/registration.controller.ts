import { Body, Controller, Header, Headers, HttpCode, Inject, Post, UseFilters } from '@nestjs/common';
import { clientInformation } from '../clients/client-information';
import { validateClientMetadata } from '../clients/client-metadata.rule';
import { Clients } from '../clients/clients.service';
import { TOKEN_SERVICE_CONFIG, TokenServiceConfig } from '../config/token-service.config';
import { checkInitialAccessToken } from './initial-access-token.rule';
import { OAuthJsonFilter } from '../http/oauth-json.filter';

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
}
