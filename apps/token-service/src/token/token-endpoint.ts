import { Injectable } from '@nestjs/common';
import { UnauthorizedClient, UnsupportedGrantType } from '@tessera/contracts';
import { requiredParam } from '../authorize/params';
import { AuditLog } from '../audit/audit-log';
import { tokenIssuedEvent } from '../audit/token-events';
import { ClientAuthenticator } from '../clients/client-authenticator';
import { Client } from '../clients/client.entity';
import { AuthorizationCodeGrant } from './grants/authorization-code.grant';
import { ClientCredentialsGrant } from './grants/client-credentials.grant';
import { RefreshTokenGrant } from './grants/refresh-token.grant';
import { TokenResponse } from './token-issuer';

interface Grant {
  exchange(client: Client, params: Record<string, unknown>, now: number): Promise<TokenResponse>;
}

/**
 * The token endpoint's rules (RFC 6749 §3.2): authenticate the client, then hand over to its grant.
 * Both ways in use it — the Nest route (token.controller.ts) and the pre-Express fast path
 * (http/token-fast-path.ts) — so they cannot drift apart.
 */
@Injectable()
export class TokenEndpoint {
  private readonly grants: Record<string, Grant>;

  constructor(
    private readonly clients: ClientAuthenticator,
    authorizationCode: AuthorizationCodeGrant,
    refreshToken: RefreshTokenGrant,
    clientCredentials: ClientCredentialsGrant,
    private readonly audit: AuditLog,
  ) {
    this.grants = { authorization_code: authorizationCode, refresh_token: refreshToken, client_credentials: clientCredentials };
  }

  /** The response to a parsed form body; throws an OAuthError (or a database error) to be rendered per §5.2. */
  async respond(authorization: string | undefined, params: Record<string, unknown>): Promise<TokenResponse> {
    const client = await this.clients.authenticate(authorization, params);
    const grantType = requiredParam(params, 'grant_type');
    const grant = Object.hasOwn(this.grants, grantType) ? this.grants[grantType] : undefined;
    if (!grant) throw new UnsupportedGrantType(`grant_type ${grantType.slice(0, 64)} is not supported`);
    if (!(client.grantTypes as readonly string[]).includes(grantType)) throw new UnauthorizedClient(`the client may not use ${grantType}`);
    const response = await grant.exchange(client, params, Date.now());
    this.audit.record(tokenIssuedEvent(grantType, client.clientId, response));
    return response;
  }
}
