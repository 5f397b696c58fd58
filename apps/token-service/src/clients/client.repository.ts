import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ClientCache } from './client-cache';
import { Client } from './client.entity';

/**
 * Every request to the token, revocation and introspection endpoints authenticates its client: the
 * records are read far more often than they change, so for that lookup each instance keeps them
 * for CLIENT_CACHE_TTL_MS. A change made through this instance is seen at once; one made elsewhere
 * (another instance, the CLI) within that time. Unknown ids are never remembered, so a new client
 * works everywhere at once.
 */
export const CLIENT_CACHE_TTL_MS = 5_000;
const CLIENT_CACHE_MAX_ENTRIES = 10_000;

@Injectable()
export class ClientRepository {
  private readonly cache = new ClientCache<Client>({ ttlMs: CLIENT_CACHE_TTL_MS, maxEntries: CLIENT_CACHE_MAX_ENTRIES, now: () => Date.now() });

  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /** The client with exactly this id, read now. */
  async findById(clientId: string): Promise<Client | null> {
    const client = await this.dataSource.getRepository(Client).findOneBy({ clientId });
    // MySQL's default collation matches case-insensitively and ignores trailing spaces: the id must be exact.
    return client?.clientId === clientId ? client : null;
  }

  /**
   * The same, as read at most CLIENT_CACHE_TTL_MS ago: for client authentication, on every token
   * request. The record is shared and frozen: read it, never change it. The authorization
   * endpoint and the flows read afresh, so what they answer while the database is down (an
   * error page, since not even the client is known) does not depend on what this cache holds.
   */
  findRecentById(clientId: string): Promise<Client | null> {
    return this.cache.get(clientId, (id) => this.findById(id));
  }

  async insert(client: Client): Promise<void> {
    await this.dataSource.getRepository(Client).insert(client);
    this.cache.forget(client.clientId);
  }
}
