import { AuditEventType } from '@tessera/contracts';
import { MultiRowInsert } from '@tessera/database';
import { DataSource, Repository } from 'typeorm';
import type { AuditCursor } from './audit-cursor';
import { AuditEventRow } from './audit-event.entity';

export interface AuditEventFilter {
  types?: AuditEventType[];
  subject?: string;
  clientId?: string;
  actor?: string;
  /** Inclusive lower bound of `at`, epoch ms. */
  since?: number;
  /** Exclusive upper bound of `at`, epoch ms. */
  until?: number;
}

const HOUR_MS = 3_600_000;

/**
 * The audit table, append-only: rows are inserted and read, never updated or deleted, so this
 * repository has no method that could.
 */
export class AuditEventRepository {
  private readonly events: Repository<AuditEventRow>;
  private readonly appendInsert: MultiRowInsert;

  constructor(dataSource: DataSource) {
    this.events = dataSource.getRepository(AuditEventRow);
    this.appendInsert = new MultiRowInsert(dataSource, 'audit_events',
      ['id', 'at', 'type', 'actor', 'subject', 'client_id', 'session_id', 'ip', 'reason', 'details']);
  }

  /**
   * One multi-row INSERT, prepared once per batch size: it runs behind every token response, and
   * TypeORM's insert of a hundred entities cost about a tenth of the token endpoint's main thread.
   */
  async append(rows: AuditEventRow[]): Promise<void> {
    await this.appendInsert.insert(rows.map((r) => [r.id, r.at, r.type, r.actor, r.subject, r.clientId, r.sessionId, r.ip, r.reason, r.details]));
  }

  /**
   * Up to `limit` events matching `filter`, newest first, strictly after `after` in that order.
   * Each equality filter has an index that ends in (at, id), so the page is read in index order.
   */
  findNewestFirst(filter: AuditEventFilter, limit: number, after?: AuditCursor): Promise<AuditEventRow[]> {
    const query = this.events.createQueryBuilder('e');
    if (filter.types?.length) query.andWhere('e.type IN (:...types)', { types: filter.types });
    if (filter.subject !== undefined) query.andWhere('e.subject = :subject', { subject: filter.subject });
    if (filter.clientId !== undefined) query.andWhere('e.clientId = :clientId', { clientId: filter.clientId });
    if (filter.actor !== undefined) query.andWhere('e.actor = :actor', { actor: filter.actor });
    if (filter.since !== undefined) query.andWhere('e.at >= :since', { since: filter.since });
    if (filter.until !== undefined) query.andWhere('e.at < :until', { until: filter.until });
    if (after) {
      // (at, id) < (cursor.at, cursor.id), written with a plain range on `at` that MySQL's range optimizer uses.
      query.andWhere('e.at <= :afterAt AND (e.at < :afterAt OR e.id < :afterId)', { afterAt: after.at, afterId: after.id });
    }
    return query.orderBy('e.at', 'DESC').addOrderBy('e.id', 'DESC').limit(limit).getMany();
  }

  /** Events of these types since `since`, counted per type and hour (the hour's start, epoch ms); idx_audit_events_type. */
  async countByHour(types: AuditEventType[], since: number): Promise<{ hour: number; type: AuditEventType; count: number }[]> {
    if (types.length === 0) return [];
    // at - at % 1h: integer arithmetic that SQLite and MySQL agree on (their `/` do not).
    const rows = await this.events.createQueryBuilder('e')
      .select('e.type', 'type')
      .addSelect(`e.at - e.at % ${HOUR_MS}`, 'hour')
      .addSelect('COUNT(*)', 'count')
      .where('e.type IN (:...types)', { types })
      .andWhere('e.at >= :since', { since })
      .groupBy('e.type')
      .addGroupBy('hour')
      .orderBy('hour', 'ASC')
      .addOrderBy('e.type', 'ASC')
      .getRawMany<{ type: AuditEventType; hour: string | number; count: string | number }>();
    return rows.map((row) => ({ hour: Number(row.hour), type: row.type, count: Number(row.count) }));
  }
}
