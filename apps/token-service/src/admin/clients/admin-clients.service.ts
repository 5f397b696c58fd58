import { Injectable } from '@nestjs/common';
import { AdminClient, AdminClientWithSecret, Page } from '@tessera/contracts';
import { ClientRepository } from '../../clients/client.repository';
import { Clients } from '../../clients/clients.service';
import { AuditLog } from '../../audit/audit-log';
import { hashOpaqueToken, newOpaqueToken } from '../../crypto/opaque-token';
import { StatusLists } from '../../status-list/status-lists.service';
import { TokenGrantRepository } from '../../token/token-grant.repository';
import { AdminApiException, notFound } from '../admin-api-error';
import { decodeCursor, pageOf, readListQuery } from '../admin-input.rule';
import { adminClientView, readClientPatch, readNewClient } from './client-body.rule';

/**
 * The clients resource of the admin API. Changes go through ClientRepository, which forgets this
 * instance's cached copy at once; other instances authenticate with the old record (an old secret,
 * a deleted client) for at most CLIENT_CACHE_TTL_MS (5 s) more.
 */
@Injectable()
export class AdminClients {
  constructor(
    private readonly repository: ClientRepository,
    private readonly clients: Clients,
    private readonly grants: TokenGrantRepository,
    private readonly statusLists: StatusLists,
    private readonly audit: AuditLog,
  ) {}

  /** `?q=` (a client_id or client_name prefix), `limit`, `cursor`. */
  async list(query: unknown): Promise<Page<AdminClient>> {
    const { values: { q: prefix }, page, problems } = readListQuery(query, ['q']);
    problems.check();
    const after = page.cursor === undefined ? undefined : decodeCursor<[string, string]>(page.cursor, ['string', 'string']);
    const rows = await this.repository.listByName({ prefix, after, limit: page.limit + 1 });
    return pageOf(rows, page.limit, (client) => adminClientView(client), (client) => [client.clientName, client.clientId]);
  }

  async get(clientId: string): Promise<AdminClient> {
    return adminClientView(await this.existing(clientId));
  }

  async create(body: unknown, actor: string): Promise<AdminClient | AdminClientWithSecret> {
    const { metadata, firstParty } = readNewClient(body);
    const { client, clientSecret } = await this.clients.register(metadata, { firstParty });
    this.audit.record({ type: 'client.created', actor, clientId: client.clientId, details: { first_party: firstParty, scope: client.scope } });
    return adminClientView(client, clientSecret);
  }

  async update(clientId: string, body: unknown, actor: string): Promise<AdminClient> {
    const current = await this.existing(clientId);
    const { metadata, firstParty, changed } = readClientPatch(body, current);
    await this.repository.update(clientId, {
      clientName: metadata.clientName,
      redirectUris: metadata.redirectUris,
      postLogoutRedirectUris: metadata.postLogoutRedirectUris,
      grantTypes: metadata.grantTypes,
      responseTypes: metadata.responseTypes,
      scope: metadata.scope ?? null,
      firstParty,
    });
    this.audit.record({ type: 'client.updated', actor, clientId, details: { changed: changed.join(' ') } });
    return this.get(clientId);
  }

  /** A new secret, shown in this answer only; the old one stops working (on other instances within 5 s). */
  async rotateSecret(clientId: string, actor: string): Promise<AdminClientWithSecret> {
    const client = await this.existing(clientId);
    if (client.tokenEndpointAuthMethod === 'none') throw new AdminApiException('conflict', 'a public client has no secret');
    const clientSecret = newOpaqueToken(32);
    await this.repository.update(clientId, { clientSecretHash: hashOpaqueToken(clientSecret) });
    this.audit.record({ type: 'client.secret_rotated', actor, clientId });
    return adminClientView(client, clientSecret) as AdminClientWithSecret;
  }

  /**
   * Deletes the client and revokes every grant it holds (its refresh tokens at once, its access
   * tokens through the status list). Its own client_credentials tokens have no grant: the admin API
   * refuses them at once (the guard finds no client), other resource servers when they expire.
   */
  async delete(clientId: string, actor: string): Promise<void> {
    if (!(await this.repository.delete(clientId))) throw notFound('client');
    const now = Date.now();
    const grantIds = await this.grants.activeIdsOf({ clientId });
    await this.statusLists.revokeGrants(grantIds, now);
    this.audit.record({ type: 'client.deleted', actor, clientId, details: { grants_revoked: grantIds.length } });
  }

  private async existing(clientId: string) {
    const client = await this.repository.findById(clientId);
    if (!client) throw notFound('client');
    return client;
  }
}
