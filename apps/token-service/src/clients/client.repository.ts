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

  /**
   * The admin API's list: clients ordered by name, then id, starting after the (name, id) `after`;
   * `prefix` matches the start of a client_id or a client_name (case-insensitively, as LIKE does on
   * both databases). Served by the primary key and idx_clients_name.
   */
  listByName(options: { prefix?: string; after?: [string, string]; limit: number }): Promise<Client[]> {
    const query = this.dataSource.getRepository(Client).createQueryBuilder('c');
    if (options.prefix !== undefined) {
      // '!' escapes LIKE's wildcards: it means the same on SQLite and MySQL, unlike a backslash.
      const pattern = `${options.prefix.replace(/[!%_]/g, '!$&')}%`;
      query.andWhere("(c.client_id LIKE :pattern ESCAPE '!' OR c.client_name LIKE :pattern ESCAPE '!')", { pattern });
    }
    if (options.after) {
      const [name, id] = options.after;
      query.andWhere('(c.client_name > :name OR (c.client_name = :name AND c.client_id > :id))', { name, id });
    }
    return query.orderBy('c.client_name', 'ASC').addOrderBy('c.client_id', 'ASC').limit(options.limit).getMany();
  }

  /** Changes a client's registration; this instance forgets its cached copy at once, others within CLIENT_CACHE_TTL_MS. */
  async update(clientId: string, changes: Partial<Omit<Client, 'clientId' | 'createdAt'>>): Promise<void> {
    await this.dataSource.getRepository(Client).update({ clientId }, changes);
    this.cache.forget(clientId);
  }

  /** Deletes a client; false when there was none. Other instances stop authenticating it within CLIENT_CACHE_TTL_MS. */
  async delete(clientId: string): Promise<boolean> {
    const result = await this.dataSource.getRepository(Client).delete({ clientId });
    this.cache.forget(clientId);
    return (result.affected ?? 0) > 0;
  }
}
