import { EntityManager, EntityTarget, FindOptionsWhere, In, LessThan, ObjectLiteral } from 'typeorm';
import { SsoSession } from '../sessions/sso-session.entity';
import { TokenStatus } from '../status-list/token-status.entity';
import { RefreshToken } from '../token/refresh-token.entity';
import { TokenGrant } from '../token/token-grant.entity';

/** The rows of one table that stop being needed at an instant held in an indexed column. */
export interface ExpiringRows {
  entity: EntityTarget<ObjectLiteral>;
  /** Properties of the primary key; of a composite key, the leading one first. */
  key: readonly [string] | readonly [string, string];
  /** The property with the instant (epoch ms), backed by an index (migrations 1764300310000, 1764300350000). */
  endsAt: string;
  /** Values the rows must also have (a finished status): the leading columns of `endsAt`'s index. */
  only?: Readonly<Record<string, string>>;
  /** The property naming the token grant a row belongs to, if rows belong to one. */
  grantId?: string;
}

/**
 * The cleanup's queries. Rows are found through the index on their expiry with a LIMIT, then deleted
 * by primary key: no statement scans or locks more than one batch of rows, so the requests that use
 * the same tables never wait behind a cleanup (issue 4).
 */
export class ExpiredRowsRepository {
  constructor(private readonly manager: EntityManager) {}

  /** Up to `limit` rows that ended before `cutoff`, the oldest first: their key and grant only. */
  endedBefore(rows: ExpiringRows, cutoff: number, limit: number): Promise<ObjectLiteral[]> {
    const columns = rows.grantId ? [...rows.key, rows.grantId] : [...rows.key];
    return this.manager.getRepository(rows.entity).find({
      select: Object.fromEntries(columns.map((column) => [column, true])),
      where: { ...rows.only, [rows.endsAt]: LessThan(cutoff) },
      order: { [rows.endsAt]: 'ASC' },
      take: limit,
    });
  }

  /**
   * Deletes `found` by primary key, each row only if it still ended before `cutoff` and still has
   * the `only` values; one statement per value of the leading key column. Answers how many rows went.
   */
  async deleteEnded(rows: ExpiringRows, found: ObjectLiteral[], cutoff: number): Promise<number> {
    const [leading, second] = rows.key;
    const ended: FindOptionsWhere<ObjectLiteral> = { ...rows.only, [rows.endsAt]: LessThan(cutoff) };
    const statements = second === undefined
      ? [{ ...ended, [leading]: In(found.map((row) => row[leading])) }]
      : [...groupBy(found, leading)].map(([value, group]) => ({ ...ended, [leading]: value, [second]: In(group.map((row) => row[second])) }));
    const repository = this.manager.getRepository(rows.entity);
    let deleted = 0;
    for (const where of statements) deleted += (await repository.delete(where)).affected ?? 0;
    return deleted;
  }

  /** The grants obtained through these SSO sessions. */
  async grantsOfSessions(sessionIds: string[]): Promise<string[]> {
    const grants = await this.manager.getRepository(TokenGrant).find({ select: { id: true }, where: { sessionId: In(sessionIds) } });
    return grants.map((grant) => grant.id);
  }

  /**
   * Of `grantIds`, the grants something still needs: a refresh token or an access token of theirs
   * that had not expired by `tokenCutoff` (a refresh, userinfo and introspection read the grant), or
   * their SSO session, until it is over by `sessionCutoff` (ending it finds its clients through them).
   */
  async grantsInUse(grantIds: string[], tokenCutoff: number, sessionCutoff: number): Promise<Set<string>> {
    const inUse = new Set<string>();
    for (const tokens of [RefreshToken, TokenStatus]) {
      const rows = await this.manager.getRepository<RefreshToken | TokenStatus>(tokens).createQueryBuilder('t')
        .select('t.grantId', 'grantId').distinct(true)
        .where('t.grantId IN (:...grantIds)', { grantIds })
        .andWhere('t.expiresAt >= :tokenCutoff', { tokenCutoff })
        .getRawMany<{ grantId: string }>();
      for (const row of rows) inUse.add(row.grantId);
    }
    const withSession = await this.manager.getRepository(TokenGrant).createQueryBuilder('g')
      .innerJoin(SsoSession, 's', 's.id = g.sessionId')
      .select('g.id', 'id')
      .where('g.id IN (:...grantIds)', { grantIds })
      .andWhere('s.expiresAt >= :sessionCutoff', { sessionCutoff })
      .andWhere('(s.endedAt IS NULL OR s.endedAt >= :sessionCutoff)', { sessionCutoff })
      .getRawMany<{ id: string }>();
    for (const row of withSession) inUse.add(row.id);
    return inUse;
  }

  async deleteGrants(grantIds: string[]): Promise<number> {
    return (await this.manager.getRepository(TokenGrant).delete({ id: In(grantIds) })).affected ?? 0;
  }
}

function groupBy(rows: ObjectLiteral[], property: string): Map<unknown, ObjectLiteral[]> {
  const groups = new Map<unknown, ObjectLiteral[]>();
  for (const row of rows) groups.set(row[property], [...(groups.get(row[property]) ?? []), row]);
  return groups;
}
