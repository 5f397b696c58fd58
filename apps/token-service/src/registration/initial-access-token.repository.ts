import { Inject, Injectable } from '@nestjs/common';
import { DataSource, IsNull, MoreThan, Repository } from 'typeorm';
import { InitialAccessToken } from './initial-access-token.entity';

/** Storage of the initial access tokens made through the admin API (registration/initial-access-token.entity.ts). */
@Injectable()
export class InitialAccessTokenRepository {
  private readonly tokens: Repository<InitialAccessToken>;

  constructor(@Inject(DataSource) dataSource: DataSource) {
    this.tokens = dataSource.getRepository(InitialAccessToken);
  }

  async insert(token: InitialAccessToken): Promise<void> {
    await this.tokens.insert(token);
  }

  /** Newest first, starting after the (created_at, id) `after`; served by idx_initial_access_tokens_created. */
  listNewestFirst(options: { after?: [number, string]; limit: number }): Promise<InitialAccessToken[]> {
    const query = this.tokens.createQueryBuilder('t');
    if (options.after) {
      const [createdAt, id] = options.after;
      query.where('(t.created_at < :createdAt OR (t.created_at = :createdAt AND t.id < :id))', { createdAt, id });
    }
    return query.orderBy('t.created_at', 'DESC').addOrderBy('t.id', 'DESC').limit(options.limit).getMany();
  }

  findById(id: string): Promise<InitialAccessToken | null> {
    return this.tokens.findOneBy({ id });
  }

  /** Whether the token with this hash may register a client now: not revoked, not expired, with uses left. */
  async isUsable(tokenHash: string, now: number): Promise<boolean> {
    return (await this.tokens.countBy({ tokenHash, revokedAt: IsNull(), expiresAt: MoreThan(now), usesLeft: MoreThan(0) })) > 0;
  }

  /**
   * Spends one use, in one conditional UPDATE: of registrations racing for the last use, exactly one
   * gets it, on any number of instances. False when none was left (or the token is no longer usable).
   */
  async spendOne(tokenHash: string, now: number): Promise<boolean> {
    const result = await this.tokens.createQueryBuilder().update(InitialAccessToken)
      .set({ usesLeft: () => 'uses_left - 1' })
      .where('token_hash = :tokenHash AND revoked_at IS NULL AND expires_at > :now AND uses_left > 0', { tokenHash, now })
      .execute();
    return (result.affected ?? 0) === 1;
  }

  /** False when there is no such token; revoking a revoked one again changes nothing. */
  async revoke(id: string, now: number): Promise<boolean> {
    if (!(await this.findById(id))) return false;
    await this.tokens.update({ id, revokedAt: IsNull() }, { revokedAt: now });
    return true;
  }
}
