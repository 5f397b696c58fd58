import { Injectable } from '@nestjs/common';
import { UnauthorizedClient } from '@tessera/contracts';
import { singleParam } from '../../authorize/params';
import { allowedScopes, clientCredentialsScope } from '../../authorize/scope.rule';
import { Client } from '../../clients/client.entity';
import { TokenIssuer, TokenResponse } from '../token-issuer';

/** grant_type=client_credentials (RFC 6749 §4.4): a confidential client acting for itself. */
@Injectable()
export class ClientCredentialsGrant {
  constructor(private readonly issuer: TokenIssuer) {}

  async exchange(client: Client, params: Record<string, unknown>, now: number): Promise<TokenResponse> {
    // RFC 6749 §4.4: only confidential clients.
    if (client.tokenEndpointAuthMethod === 'none') throw new UnauthorizedClient('public clients cannot use client_credentials');
    const scope = clientCredentialsScope(singleParam(params, 'scope'), allowedScopes(client.scope));
    return this.issuer.forClient(client, scope, now);
  }
}
