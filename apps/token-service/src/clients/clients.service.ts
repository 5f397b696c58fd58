import { Inject, Injectable } from '@nestjs/common';
import { hashOpaqueToken, newOpaqueToken } from '../crypto/opaque-token';
import { Client } from './client.entity';
import { ClientRepository } from './client.repository';
import { ValidatedClientMetadata } from './client-metadata.rule';

@Injectable()
export class Clients {
  constructor(@Inject(ClientRepository) private readonly repository: ClientRepository) {}

  /** Registers a client; a confidential one gets a secret, returned here once and stored only as its hash. */
  async register(metadata: ValidatedClientMetadata, options: { firstParty: boolean }): Promise<{ client: Client; clientSecret?: string }> {
    const clientSecret = metadata.tokenEndpointAuthMethod === 'none' ? undefined : newOpaqueToken(32);
    const client = Object.assign(new Client(), {
      clientId: newOpaqueToken(16),
      clientSecretHash: clientSecret === undefined ? null : hashOpaqueToken(clientSecret),
      clientName: metadata.clientName,
      clientUri: metadata.clientUri ?? null,
      redirectUris: metadata.redirectUris,
      postLogoutRedirectUris: metadata.postLogoutRedirectUris,
      grantTypes: metadata.grantTypes,
      responseTypes: metadata.responseTypes,
      tokenEndpointAuthMethod: metadata.tokenEndpointAuthMethod,
      firstParty: options.firstParty,
      scope: metadata.scope ?? null,
      backchannelLogoutUri: metadata.backchannelLogoutUri ?? null,
      backchannelLogoutSessionRequired: metadata.backchannelLogoutSessionRequired,
      createdAt: Date.now(),
    } satisfies Client);
    await this.repository.insert(client);
    return { client, clientSecret };
  }

  findById(clientId: string): Promise<Client | null> {
    return this.repository.findById(clientId);
  }
}
