import { Inject, Injectable } from '@nestjs/common';
import { InvalidClient } from '@tessera/contracts';
import { hashOpaqueToken, newOpaqueToken, sameSecret } from '../crypto/opaque-token';
import { Client } from './client.entity';
import { ClientRepository } from './client.repository';
import { presentedCredentials } from './client-credentials';

// Compared against when the client is unknown, so that an unknown client_id costs the same work as a known one.
const UNKNOWN_CLIENT_SECRET_HASH = hashOpaqueToken(newOpaqueToken());

/** Client authentication at the token, revocation and introspection endpoints (RFC 6749 §2.3). */
@Injectable()
export class ClientAuthenticator {
  constructor(@Inject(ClientRepository) private readonly clients: ClientRepository) {}

  /**
   * The authenticated client, or InvalidClient (401) for an unknown client, a wrong or missing
   * secret, or a method other than the one it registered; InvalidRequest for a malformed request.
   * Every authentication failure carries the same description: nothing tells which part was wrong.
   */
  async authenticate(authorizationHeader: string | undefined, body: Record<string, unknown>): Promise<Client> {
    const presented = presentedCredentials(authorizationHeader, body);
    // A recently used id answers from memory, faster than an unknown one: that tells only that the
    // client exists, which every authorization URL it sends already says (client ids are not secrets).
    const client = await this.clients.findRecentById(presented.clientId);
    const secretMatches = presented.method === 'none'
      || sameSecret(hashOpaqueToken(presented.clientSecret), client?.clientSecretHash ?? UNKNOWN_CLIENT_SECRET_HASH);
    if (!client || !secretMatches || client.tokenEndpointAuthMethod !== presented.method) throw new InvalidClient();
    return client;
  }
}
