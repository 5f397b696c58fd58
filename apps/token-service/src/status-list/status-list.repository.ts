import { MultiRowInsert } from '@tessera/database';
import { DataSource, In, IsNull, LessThan, Not, Repository } from 'typeorm';
import { newOpaqueToken } from '../crypto/opaque-token';
import { StatusList } from './status-list.entity';
import { TokenStatus } from './token-status.entity';

/** A run of indexes of one list that only the instance that reserved it hands out. */
export interface IndexBlock {
  listId: string;
  first: number;
  /** One past the last index of the block. */
  end: number;
}

export interface NewList {
  size: number;
  bits: number;
  /** Reservations are whole blocks: `size` is a multiple of it, so a list fills up exactly. */
  blockSize: number;
}

/**
 * Storage of the status lists and of each access token's status. Plain class over a DataSource (no
 * Nest), so the CLI's emergency `keys:revoke` can use `revokeSignedBy` with the database alone.
 *
 * @example
 * const statuses = new StatusListRepository(dataSource);
 * await statuses.revokeSignedBy('kid-of-a-compromised-key', Date.now());
 */
export class StatusListRepository {
  private readonly lists: Repository<StatusList>;
  private readonly statuses: Repository<TokenStatus>;
  // One prepared INSERT per batch size (at most the group commit's batch bound of them).
  private readonly statusInsert: MultiRowInsert;

  constructor(private readonly dataSource: DataSource) {
    this.lists = dataSource.getRepository(StatusList);
    this.statuses = dataSource.getRepository(TokenStatus);
    this.statusInsert = new MultiRowInsert(dataSource, 'token_statuses', ['list_id', 'idx', 'grant_id', 'kid', 'expires_at', 'revoked_at']);
  }

  /**
   * Reserves the next block of `list` for this instance alone, and raises the list's expiry bound to
   * `expiresBound` (no token holding an index of the block may outlive it). Null when the list is
   * full or unknown. The increment and the read back happen in one write transaction, so two
   * instances never get the same block.
   */
  async reserveBlock(listId: string, blockSize: number, expiresBound: number): Promise<IndexBlock | null> {
    const type = this.dataSource.options.type;
    const next = type === 'better-sqlite3'
      ? this.reserveImmediate(listId, blockSize, expiresBound)
      : await this.reserveInTransaction(listId, blockSize, expiresBound);
    return next === null ? null : { listId, first: next - blockSize, end: next };
  }

  /** The oldest list that still has room, or a new one. Two instances may each open one: both are valid. */
  async openList(fields: NewList, now: number): Promise<string> {
    const open = await this.lists.createQueryBuilder('l').select('l.id', 'id')
      .where('l.next_index < l.size').orderBy('l.created_at', 'ASC').limit(1).getRawOne<{ id: string }>();
    if (open) return open.id;
    const id = newOpaqueToken(12);
    await this.lists.insert({ id, bits: fields.bits, size: fields.size, nextIndex: 0, createdAt: now, maxExpiresAt: now });
    return id;
  }

  findList(id: string): Promise<StatusList | null> {
    return this.lists.findOneBy({ id });
  }

  /** Indexes of `listId` whose token is revoked. */
  async revokedIndexes(listId: string): Promise<number[]> {
    const rows = await this.statuses.find({ select: { idx: true }, where: { listId, revokedAt: Not(IsNull()) } });
    return rows.map((row) => Number(row.idx));
  }

  async isRevoked(listId: string, idx: number): Promise<boolean> {
    return (await this.statuses.countBy({ listId, idx, revokedAt: Not(IsNull()) })) > 0;
  }

  /**
   * The rows of newly issued access tokens, in one multi-row INSERT (a group commit: StatusLists
   * batches concurrent token responses); libs/database MultiRowInsert prepares it once per size.
   */
  async recordAll(rows: NewTokenStatus[]): Promise<void> {
    await this.statusInsert.insert(rows.map((row) => [row.listId, row.idx, row.grantId, row.kid, row.expiresAt, null]));
  }

  /** Every access token of these grants. */
  async revokeGrants(grantIds: string[], now: number): Promise<void> {
    if (grantIds.length === 0) return;
    await this.statuses.update({ grantId: In(grantIds), revokedAt: IsNull() }, { revokedAt: now });
  }

  /** Every access token `kid` signed: the emergency revocation of a compromised key. */
  async revokeSignedBy(kid: string, now: number): Promise<void> {
    await this.statuses.update({ kid, revokedAt: IsNull() }, { revokedAt: now });
  }

  /** One access token, by its place in a list (a client's own token, which belongs to no grant). */
  async revokeIndex(listId: string, idx: number, now: number): Promise<void> {
    await this.statuses.update({ listId, idx, revokedAt: IsNull() }, { revokedAt: now });
  }

  /**
   * For the cleanup job: deletes up to `limit` lists that are full and whose every token has expired
   * (they answer 404 already), with their token rows. Answers how many lists went.
   */
  async deleteRetired(now: number, limit = 10): Promise<number> {
    const retired = await this.lists.createQueryBuilder('l').select('l.id', 'id')
      .where('l.next_index >= l.size').andWhere('l.max_expires_at < :now', { now }).limit(limit).getRawMany<{ id: string }>();
    const ids = retired.map((row) => row.id);
    if (ids.length === 0) return 0;
    await this.statuses.delete({ listId: In(ids) });
    await this.lists.delete({ id: In(ids), maxExpiresAt: LessThan(now) });
    return ids.length;
  }

  private sqlite(): BetterSqlite3Connection {
    return (this.dataSource.driver as unknown as { databaseConnection: BetterSqlite3Connection }).databaseConnection;
  }

  private async reserveInTransaction(listId: string, blockSize: number, expiresBound: number): Promise<number | null> {
    return this.dataSource.transaction(async (manager) => {
      const result = await manager.createQueryBuilder().update(StatusList)
        .set({
          nextIndex: () => 'next_index + :block',
          maxExpiresAt: () => 'CASE WHEN max_expires_at < :bound THEN :bound ELSE max_expires_at END',
        })
        .where('id = :id AND next_index < size', { id: listId })
        .setParameters({ block: blockSize, bound: expiresBound })
        .execute();
      if ((result.affected ?? 0) !== 1) return null;
      // The row stays locked by our UPDATE until commit: this reads our own increment.
      const row = await manager.getRepository(StatusList).findOne({ select: { nextIndex: true }, where: { id: listId } });
      return row ? Number(row.nextIndex) : null;
    });
  }

  // Synchronous, like SigningKeyRepository's SQLite path: an await inside a write transaction would
  // let a second connection of this process block the event loop while it waits for ours.
  private reserveImmediate(listId: string, blockSize: number, expiresBound: number): number | null {
    const db = this.sqlite();
    return db.transaction(() => {
      const changed = db.prepare(
        'UPDATE status_lists SET next_index = next_index + ?, max_expires_at = MAX(max_expires_at, ?) WHERE id = ? AND next_index < size',
      ).run(blockSize, expiresBound, listId);
      if (changed.changes !== 1) return null;
      const row = db.prepare('SELECT next_index FROM status_lists WHERE id = ?').get(listId) as { next_index: number } | undefined;
      return row ? Number(row.next_index) : null;
    }).immediate();
  }
}

/** An access token's row as issued: not revoked. */
export type NewTokenStatus = Omit<TokenStatus, 'revokedAt'>;

/** The part of better-sqlite3's Database used above. */
interface BetterSqlite3Statement {
  get(...params: unknown[]): unknown;
  run(...params: unknown[]): { changes: number };
}

interface BetterSqlite3Connection {
  prepare(sql: string): BetterSqlite3Statement;
  transaction<T>(fn: () => T): { immediate(): T };
}
