import { setTimeout as sleep } from 'node:timers/promises';
import { performance } from 'node:perf_hooks';
import { EntityManager, ObjectLiteral } from 'typeorm';
import { AuditEventRow } from '../audit/audit-event.entity';
import { AuthorizationFlow } from '../flow/authorization-flow.entity';
import { BackchannelDelivery } from '../logout/backchannel/backchannel-delivery.entity';
import { LogoutRequest } from '../logout/logout-request.entity';
import { InitialAccessToken } from '../registration/initial-access-token.entity';
import { SsoSession } from '../sessions/sso-session.entity';
import { StatusListRepository } from '../status-list/status-list.repository';
import { TokenStatus } from '../status-list/token-status.entity';
import { AuthorizationCode } from '../token/authorization-code.entity';
import { RefreshToken } from '../token/refresh-token.entity';
import {
  auditRetentionMs, CleanupLimits, ENDED_SESSION_GRACE_MS, EXPIRED_ROW_GRACE_MS, FINISHED_DELIVERY_GRACE_MS,
  SPENT_INITIAL_ACCESS_TOKEN_GRACE_MS,
} from './cleanup-policy';
import { ExpiredRowsRepository, ExpiringRows } from './expired-rows.repository';

/** The tables a pass deletes from: the `table` label of the metrics and the keys of a report. */
export const CLEANUP_TABLES = [
  'authorization_flows', 'logout_requests', 'authorization_codes', 'refresh_tokens', 'token_statuses', 'token_grants',
  'sso_sessions', 'status_lists', 'backchannel_deliveries', 'initial_access_tokens', 'audit_events',
] as const;
export type CleanupTable = (typeof CLEANUP_TABLES)[number];

export interface CleanupReport {
  /** Rows deleted, by table. */
  deleted: Record<CleanupTable, number>;
  /** Batches (a select and the deletes of what it found), by table. */
  batches: Record<CleanupTable, number>;
  /** Tables where the pass stopped at `maxRowsPerTable`: the next pass continues there. */
  capped: CleanupTable[];
  durationMs: number;
}

interface Sweep extends ExpiringRows {
  table: CleanupTable;
  /** How long after `endsAt` a row is kept. */
  graceMs: number;
  /** The rows are SSO sessions: the grants obtained through them may now be unused. */
  endsSessionGrants?: true;
}

/**
 * What a pass deletes, in order. Every row here is one that no request can use any more; the grace
 * periods say why it is kept a little longer (cleanup-policy.ts).
 */
const SWEEPS: readonly Sweep[] = [
  // Unusable once expired (findBySecret and findByChallenge ask for an unexpired row); a finished one
  // goes at the expiry it already had, which spares an index on its state.
  { table: 'authorization_flows', entity: AuthorizationFlow, key: ['id'], endsAt: 'expiresAt', graceMs: EXPIRED_ROW_GRACE_MS },
  { table: 'logout_requests', entity: LogoutRequest, key: ['id'], endsAt: 'expiresAt', graceMs: EXPIRED_ROW_GRACE_MS },
  // A consumed code stays until it expires: replaying it until then revokes what it bought (RFC 6749 §4.1.2).
  {
    table: 'authorization_codes', entity: AuthorizationCode, key: ['codeHash'], endsAt: 'expiresAt', grantId: 'grantId',
    graceMs: EXPIRED_ROW_GRACE_MS,
  },
  // A rotated one too: reusing it until it expires revokes its family (RFC 9700 §4.14.2).
  {
    table: 'refresh_tokens', entity: RefreshToken, key: ['tokenHash'], endsAt: 'expiresAt', grantId: 'grantId',
    graceMs: EXPIRED_ROW_GRACE_MS,
  },
  // A revoked access token's bit matters to verifiers until the token has expired for every one of them.
  {
    table: 'token_statuses', entity: TokenStatus, key: ['listId', 'idx'], endsAt: 'expiresAt', grantId: 'grantId',
    graceMs: EXPIRED_ROW_GRACE_MS,
  },
  { table: 'sso_sessions', entity: SsoSession, key: ['id'], endsAt: 'expiresAt', graceMs: ENDED_SESSION_GRACE_MS, endsSessionGrants: true },
  { table: 'sso_sessions', entity: SsoSession, key: ['id'], endsAt: 'endedAt', graceMs: ENDED_SESSION_GRACE_MS, endsSessionGrants: true },
  // A finished delivery's next_attempt_at is where its last attempt's lease ended, seconds after the
  // answer; a pending one is never deleted (idx_backchannel_due leads with the status).
  ...(['delivered', 'failed'] as const).map((status): Sweep => ({
    table: 'backchannel_deliveries', entity: BackchannelDelivery, key: ['id'], endsAt: 'nextAttemptAt', only: { status },
    graceMs: FINISHED_DELIVERY_GRACE_MS,
  })),
  ...(['expiresAt', 'revokedAt'] as const).map((endsAt): Sweep => ({
    table: 'initial_access_tokens', entity: InitialAccessToken, key: ['id'], endsAt, graceMs: SPENT_INITIAL_ACCESS_TOKEN_GRACE_MS,
  })),
];

/** Audit events older than the retention, when AUDIT_RETENTION_DAYS sets one (else none). */
function auditSweeps(retentionDays: number): Sweep[] {
  const graceMs = auditRetentionMs(retentionDays);
  return graceMs === undefined ? [] : [{ table: 'audit_events', entity: AuditEventRow, key: ['id'], endsAt: 'at', graceMs }];
}

/**
 * One cleanup pass over the token service's tables, in batches: each batch selects up to
 * `batchSize` rows through the expiry index and deletes them by key in short statements of their
 * own (no transaction), then pauses. A table is left after `maxRowsPerTable` rows, so a pass is
 * bounded however much has piled up.
 *
 * A token grant has no expiry of its own: it goes when it is seen unused (ExpiredRowsRepository
 * `grantsInUse`) while a row that belongs to it is deleted: each of its codes, tokens and its
 * session is, eventually, and the last of them finds it unused. The grant is deleted before those
 * rows, so a pass cut short never leaves a grant that nothing will bring up again.
 */
export class CleanupPass {
  private readonly rows: ExpiredRowsRepository;
  private readonly report: CleanupReport = { deleted: perTable(), batches: perTable(), capped: [], durationMs: 0 };
  private readonly examined = perTable();

  constructor(
    manager: EntityManager,
    private readonly statusLists: StatusListRepository,
    private readonly limits: CleanupLimits,
    /** AUDIT_RETENTION_DAYS: 0 keeps every audit event. */
    private readonly auditRetentionDays: number,
    /** Asked before each batch: true stops the pass there (the app is shutting down). */
    private readonly stopping: () => boolean = () => false,
  ) {
    this.rows = new ExpiredRowsRepository(manager);
  }

  async run(now: number): Promise<CleanupReport> {
    const started = performance.now();
    let statusesDrained = false;
    for (const sweep of [...SWEEPS, ...auditSweeps(this.auditRetentionDays)]) {
      const drained = await this.sweep(sweep, now);
      if (sweep.table === 'token_statuses') statusesDrained = drained;
    }
    // A retired list's tokens expired before its bound, so once the sweep above has drained their
    // rows, deleteRetired's own delete of them finds none left: it stays one short statement.
    if (statusesDrained && !this.stopping()) {
      this.report.deleted.status_lists += await this.statusLists.deleteRetired(now - EXPIRED_ROW_GRACE_MS, this.limits.batchSize);
    }
    this.report.durationMs = Math.round(performance.now() - started);
    return this.report;
  }

  /** Deletes what ended before the sweep's cutoff, batch by batch; true once none is left. */
  private async sweep(sweep: Sweep, now: number): Promise<boolean> {
    const cutoff = now - sweep.graceMs;
    for (;;) {
      const room = this.limits.maxRowsPerTable - this.examined[sweep.table];
      if (room <= 0) {
        const left = (await this.rows.endedBefore(sweep, cutoff, 1)).length > 0;
        if (left && !this.report.capped.includes(sweep.table)) this.report.capped.push(sweep.table);
        return !left;
      }
      if (this.stopping()) return false;
      const limit = Math.min(this.limits.batchSize, room);
      const found = await this.rows.endedBefore(sweep, cutoff, limit);
      this.examined[sweep.table] += found.length;
      if (found.length === 0) return true;
      this.report.deleted.token_grants += await this.deleteUnusedGrants(await this.grantsOf(sweep, found), now);
      this.report.deleted[sweep.table] += await this.rows.deleteEnded(sweep, found, cutoff);
      this.report.batches[sweep.table] += 1;
      if (found.length < limit) return true;
      await sleep(this.limits.pauseMs);
    }
  }

  private async grantsOf(sweep: Sweep, found: ObjectLiteral[]): Promise<string[]> {
    if (sweep.endsSessionGrants) return this.rows.grantsOfSessions(found.map((row) => row.id as string));
    if (!sweep.grantId) return [];
    const grantIds = found.map((row) => row[sweep.grantId!] as string | null).filter((id): id is string => id !== null);
    return [...new Set(grantIds)];
  }

  private async deleteUnusedGrants(grantIds: string[], now: number): Promise<number> {
    if (grantIds.length === 0) return 0;
    const inUse = await this.rows.grantsInUse(grantIds, now - EXPIRED_ROW_GRACE_MS, now - ENDED_SESSION_GRACE_MS);
    const unused = grantIds.filter((id) => !inUse.has(id));
    return unused.length === 0 ? 0 : this.rows.deleteGrants(unused);
  }
}

function perTable(): Record<CleanupTable, number> {
  return Object.fromEntries(CLEANUP_TABLES.map((table) => [table, 0])) as Record<CleanupTable, number>;
}
