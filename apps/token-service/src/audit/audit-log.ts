import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { AuditEvent, AuditEventInput, AuditEventType, Page } from '@tessera/contracts';
import { describeDatabaseFailure } from '@tessera/database';
import { WriteBehindLoss, WriteBehindQueue } from '@tessera/operations';
import { DataSource } from 'typeorm';
import { decodeAuditCursor, encodeAuditCursor } from './audit-cursor';
import { AuditEventRow } from './audit-event.entity';
import { auditEventId } from './audit-event-id';
import { AuditEventFilter, AuditEventRepository } from './audit-event.repository';
import { isAuditEventType, sanitiseAuditEvent } from './audit-event.rule';

/** Rows per INSERT, and the queue length that starts one at once. */
export const AUDIT_BATCH_SIZE = 100;
/** The longest an event waits in memory before its INSERT starts. */
export const AUDIT_FLUSH_DELAY_MS = 200;
/** Events held in memory at most (a database that is down or slow); beyond, new ones are dropped and counted. */
export const AUDIT_BUFFER_LIMIT = 10_000;
/** admin-api.ts: `limit` 1–200, default 50. */
const PAGE_LIMIT = { default: 50, max: 200 };

/**
 * The audit trail of the token service (contracts audit.ts). `record` costs a request nothing: the
 * event is checked, sanitised and queued in memory, and written with others in one multi-row INSERT
 * when AUDIT_BATCH_SIZE are queued or AUDIT_FLUSH_DELAY_MS after the first. The queue is written out
 * before the app closes its database: beforeApplicationShutdown runs after the listeners have
 * finished their requests (main.ts close) and before DataSourceCloser's onApplicationShutdown.
 *
 * An audit trail that fails requests is worse than a gap in it: a failed INSERT is retried once, and
 * what is lost (queue full, write failed twice) is counted (`losses()`, tessera_audit_events_lost)
 * and logged by count and driver code, never by content.
 *
 * @example
 * ```ts
 * this.audit.record({ type: 'token.revoked', actor: `client:${clientId}`, clientId, details: { jti } });
 * const page = await this.audit.query({ subject: sub }, { limit: 50 });
 * ```
 */
@Injectable()
export class AuditLog implements BeforeApplicationShutdown {
  private readonly logger = new Logger('AuditLog');
  private readonly repository: AuditEventRepository;
  private readonly queue: WriteBehindQueue<AuditEventRow>;

  constructor(dataSource: DataSource) {
    this.repository = new AuditEventRepository(dataSource);
    this.queue = new WriteBehindQueue<AuditEventRow>({
      write: (rows) => this.repository.append(rows),
      batchSize: AUDIT_BATCH_SIZE,
      delayMs: AUDIT_FLUSH_DELAY_MS,
      limit: AUDIT_BUFFER_LIMIT,
      retryDelayMs: 250,
      onRetry: (count, err) => this.logger.warn(`audit write of ${count} events failed (${describeDatabaseFailure(err)}); retrying once`),
      onLoss: (reason, count, err) => this.logger.error(lossMessage(reason, count, err)),
    });
  }

  /** Queues one event that happened at `at` (epoch ms, default now). Never throws, never waits. */
  record(input: AuditEventInput, at: number = Date.now()): void {
    try {
      if (!isAuditEventType(input.type)) {
        this.logger.warn('audit event of an unknown type not recorded');
        return;
      }
      const { event, redacted } = sanitiseAuditEvent(input);
      if (redacted.length > 0) this.logger.warn(`audit event ${event.type}: redacted ${redacted.join(', ')}`);
      this.queue.push(toRow(event, Number.isFinite(at) ? at : Date.now()));
    } catch (err) {
      this.logger.error(`audit event not recorded: ${err instanceof Error ? err.constructor.name : typeof err}`);
    }
  }

  /** Writes everything queued so far; resolves once it is in the database (or counted as lost). */
  flush(): Promise<void> {
    return this.queue.flush();
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.flush();
  }

  /** Events lost since start, by reason. */
  losses(): { reason: WriteBehindLoss; count: number }[] {
    return this.queue.losses();
  }

  /**
   * Events matching `filter`, newest first, `page.limit` (1–200) at a time; `next_cursor` continues
   * after the last one, stable under concurrent inserts (keyset on (at, id), not an offset).
   *
   * @throws InvalidAuditCursor when `page.cursor` was not returned by an earlier page.
   */
  async query(filter: AuditEventFilter, page: { limit: number; cursor?: string }): Promise<Page<AuditEvent>> {
    const limit = Math.min(Math.max(Math.trunc(page.limit) || PAGE_LIMIT.default, 1), PAGE_LIMIT.max);
    const after = page.cursor === undefined ? undefined : decodeAuditCursor(page.cursor);
    // One more than asked tells whether a next page exists.
    const rows = await this.repository.findNewestFirst(filter, limit + 1, after);
    const items = rows.slice(0, limit);
    return {
      items: items.map(toEvent),
      next_cursor: rows.length > limit ? encodeAuditCursor(items[items.length - 1]) : null,
    };
  }

  /** For the dashboard's chart: events of these types since `since`, per type and hour (its start, epoch ms). */
  countsByHour(types: AuditEventType[], since: number): Promise<{ hour: number; type: AuditEventType; count: number }[]> {
    return this.repository.countByHour(types, since);
  }
}

function lossMessage(reason: WriteBehindLoss, count: number, err: unknown): string {
  return reason === 'buffer_full'
    ? `audit buffer full (${AUDIT_BUFFER_LIMIT} events waiting for the database): new events are dropped and counted`
    : `${count} audit events lost: the write failed twice (${describeDatabaseFailure(err)})`;
}

function toRow(event: AuditEventInput, at: number): AuditEventRow {
  return {
    id: auditEventId(at),
    at,
    type: event.type,
    actor: event.actor ?? null,
    subject: event.subject ?? null,
    clientId: event.clientId ?? null,
    sessionId: event.sessionId ?? null,
    ip: event.ip ?? null,
    reason: event.reason ?? null,
    details: event.details ? JSON.stringify(event.details) : null,
  };
}

function toEvent(row: AuditEventRow): AuditEvent {
  return {
    id: row.id,
    at: row.at,
    type: row.type as AuditEventType,
    actor: row.actor,
    subject: row.subject,
    clientId: row.clientId,
    sessionId: row.sessionId,
    ip: row.ip,
    reason: row.reason,
    details: row.details ? (JSON.parse(row.details) as AuditEvent['details']) : {},
  };
}
