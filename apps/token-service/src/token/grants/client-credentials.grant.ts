import { Injectable } from '@nestjs/common';
import { InvalidScope, UnauthorizedClient } from '@tessera/contracts';
import { singleParam } from '../../authorize/params';
import { Client } from '../../clients/client.entity';
import { TokenIssuer, TokenResponse } from '../token-issuer';

/** grant_type=client_credentials (RFC 6749 §4.4): a confidential client acting for itself. */
@Injectable()
export class ClientCredentialsGrant {
  constructor(private readonly issuer: TokenIssuer) {}

  async exchange(client: Client, params: Record<string, unknown>, now: number): Promise<TokenResponse> {
    // RFC 6749 §4.4: only confidential clients.
    if (client.tokenEndpointAuthMethod === 'none') throw new UnauthorizedClient('public clients cannot use client_credentials');
    // The OpenID scopes describe a person; a client alone has none of them, and no API scopes exist yet.
    const scope = singleParam(params, 'scope');
    if (scope !== undefined && scope.trim() !== '') throw new InvalidScope('no scope can be granted to a client acting for itself');
    return this.issuer.forClient(client, [], now);
  }
}
