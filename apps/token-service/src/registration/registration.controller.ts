import { All, Body, Controller, Header, Headers, HttpCode, Inject, Post, Res, UseFilters } from '@nestjs/common';
import type { Response } from 'express';
import { AuditLog } from '../audit/audit-log';
import { clientInformation } from '../clients/client-information';
import { validateClientMetadata } from '../clients/client-metadata.rule';
import { Clients } from '../clients/clients.service';
import { InitialAccessTokens } from './initial-access-tokens.service';
import { OAuthJsonFilter } from '../http/oauth-json.filter';
import { refuseNonPost } from '../token/token.controller';

/** Dynamic client registration (RFC 7591). Clients registered here are never first-party. */
@Controller()
@UseFilters(OAuthJsonFilter)
export class RegistrationController {
  constructor(
    @Inject(InitialAccessTokens) private readonly initialAccessTokens: InitialAccessTokens,
    @Inject(Clients) private readonly clients: Clients,
    @Inject(AuditLog) private readonly audit: AuditLog,
  ) {}

  @Post('/oauth2/register')
  @HttpCode(201)
  @Header('Cache-Control', 'no-store')
  async register(@Headers('authorization') authorization: string | undefined, @Body() body: unknown): Promise<Record<string, unknown>> {
    const admission = await this.initialAccessTokens.admit(authorization, Date.now());
    const metadata = validateClientMetadata(body);
    await admission.spend();
    const { client, clientSecret } = await this.clients.register(metadata, { firstParty: false });
    // The partner is known only by the client it just became: nobody signed in did this.
    this.audit.record({ type: 'client.created', actor: `client:${client.clientId}`, clientId: client.clientId, details: { via: 'dynamic_registration' } });
    return clientInformation(client, clientSecret);
  }

  // RFC 7591 §3.1: registration is an HTTP POST; this server offers no client configuration endpoint (RFC 7592).
  @All('/oauth2/register')
  otherMethod(@Res({ passthrough: true }) res: Response): never {
    return refuseNonPost(res);
  }
}
