import { All, Body, Controller, Header, Headers, HttpCode, Post, Req, Res, UseFilters } from '@nestjs/common';
import type { Request, Response } from 'express';
import { requiredParam } from '../authorize/params';
import { AuditLog } from '../audit/audit-log';
import { tokenRevokedEvent } from '../audit/token-events';
import { ClientAuthenticator } from '../clients/client-authenticator';
import { OAuthJsonFilter } from '../http/oauth-json.filter';
import { formBody, refuseNonPost } from '../token/token.controller';
import { StatusLists } from '../status-list/status-lists.service';
import { TokenLookup } from '../token/token-lookup';

/** RFC 7009 token revocation. */
@Controller('oauth2')
@UseFilters(OAuthJsonFilter)
export class RevocationController {
  constructor(
    private readonly clients: ClientAuthenticator,
    private readonly tokens: TokenLookup,
    private readonly statusLists: StatusLists,
    private readonly audit: AuditLog,
  ) {}

  @Post('revoke')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  async revoke(@Req() req: Request, @Headers('authorization') authorization: string | undefined, @Body() body: unknown): Promise<void> {
    const params = formBody(req, body);
    const client = await this.clients.authenticate(authorization, params);
    const token = requiredParam(params, 'token');
    // token_type_hint is only a hint (§2.1): both kinds are looked up whatever it says.
    const now = Date.now();
    const found = await this.tokens.find(token, now);
    // Revoking either token of a grant ends the whole grant (§2.1: SHOULD for refresh tokens); a
    // client's own token (no grant) ends alone. A token of another client, or an unknown one, is
    // answered 200 all the same (§2.2): nothing to learn from it.
    if (found?.grant) {
      if (found.grant.clientId !== client.clientId) return;
      await this.statusLists.revokeGrant(found.grant.id, now);
      this.audit.record(tokenRevokedEvent(client.clientId, found));
    } else if (found?.kind === 'access_token' && found.claims.client_id === client.clientId) {
      await this.statusLists.revokeAccessToken(found.claims, now);
      this.audit.record(tokenRevokedEvent(client.clientId, found));
    }
  }

  // RFC 7009 §2.1: the client makes an HTTP POST request.
  @All('revoke')
  otherMethod(@Res({ passthrough: true }) res: Response): never {
    return refuseNonPost(res);
  }
}
