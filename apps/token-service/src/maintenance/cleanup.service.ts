import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy, Optional } from '@nestjs/common';
import { Clock } from '@tessera/abuse';
import { describeDatabaseFailure, withNamedLock } from '@tessera/database';
import { DataSource, EntityManager } from 'typeorm';
import { TOKEN_SERVICE_CONFIG, TokenServiceConfig } from '../config/token-service.config';
import { StatusListRepository } from '../status-list/status-list.repository';
import { CleanupPass, CleanupReport } from './cleanup-pass';
import { cleanupLockName, CleanupLimits, DEFAULT_CLEANUP_LIMITS, nextRunDelayMs } from './cleanup-policy';
import { CleanupReports } from './cleanup.metrics';

/** A pass that ran, or one skipped because another instance was cleaning. */
export type CleanupOutcome = { ran: true; report: CleanupReport } | { ran: false };

/** A provider of it overrides DEFAULT_CLEANUP_LIMITS; without one (the app, the CLI) they apply. */
export const CLEANUP_LIMITS = Symbol('CLEANUP_LIMITS');

/**
 * Deletes expired codes, tokens, sessions, retired status lists, finished back-channel deliveries,
 * spent initial access tokens and, with AUDIT_RETENTION_DAYS set, old audit events (cleanup-pass.ts)
 * on a timer: every CLEANUP_INTERVAL seconds with a random jitter, on one instance at a time.
 *
 * On MySQL/MariaDB a pass first takes a named lock without waiting (`GET_LOCK(name, 0)`): the
 * instance that gets it cleans, the others skip this turn (counted in the metrics) instead of
 * queueing up to repeat the work. On SQLite there is no lock: a database file belongs to one
 * process in practice, and when two do run a pass at once (the app and the CLI), each deletes only
 * rows that are already unusable, by key, so they cannot disturb each other; the second just finds
 * less to do.
 */
@Injectable()
export class Cleanup implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(Cleanup.name);
  private readonly clock: Pick<Clock, 'now'>;
  private readonly limits: CleanupLimits;
  private reports?: CleanupReports;
  private timer?: NodeJS.Timeout;
  private running?: Promise<CleanupOutcome>;
  private stopping = false;

  constructor(
    @Inject(TOKEN_SERVICE_CONFIG) private readonly config: Pick<TokenServiceConfig, 'cleanupInterval' | 'auditRetentionDays'>,
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Optional() @Inject(Clock) clock?: Pick<Clock, 'now'>,
    @Optional() @Inject(CLEANUP_LIMITS) limits?: Partial<CleanupLimits>,
  ) {
    this.clock = clock ?? new Clock();
    this.limits = { ...DEFAULT_CLEANUP_LIMITS, ...limits };
  }

  /** Where each pass is reported (the app's metrics). */
  reportTo(reports: CleanupReports): void {
    this.reports = reports;
  }

  onApplicationBootstrap(): void {
    this.schedule();
  }

  /** Stops the timer, and a running pass at its next batch, before the database pool closes. */
  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
  }

  /**
   * One pass now, unless another instance is cleaning. A call while this instance's own pass runs
   * gets that pass's outcome.
   */
  runOnce(): Promise<CleanupOutcome> {
    this.running ??= this.lockedPass().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async lockedPass(): Promise<CleanupOutcome> {
    const type = this.dataSource.options.type;
    if (type !== 'mysql' && type !== 'mariadb') return this.ran(await this.pass(this.dataSource.manager));
    const lock = cleanupLockName(String(this.dataSource.options.database));
    // The pass runs on the lock's own connection: one connection of the pool, however long it takes.
    const outcome = await withNamedLock(this.dataSource, lock, 0, (runner) => this.pass(runner.manager));
    if (outcome.acquired) return this.ran(outcome.value);
    this.reports?.passSkipped();
    return { ran: false };
  }

  private pass(manager: EntityManager): Promise<CleanupReport> {
    const statusLists = new StatusListRepository(this.dataSource);
    return new CleanupPass(manager, statusLists, this.limits, this.config.auditRetentionDays, () => this.stopping).run(this.clock.now());
  }

  private ran(report: CleanupReport): CleanupOutcome {
    this.reports?.passRan(report);
    return { ran: true, report };
  }

  private schedule(): void {
    const delay = nextRunDelayMs(this.config.cleanupInterval, Math.random());
    if (delay === undefined || this.stopping) return;
    this.timer = setTimeout(() => void this.tick().finally(() => this.schedule()), delay);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    try {
      const outcome = await this.runOnce();
      if (!outcome.ran) {
        this.logger.log('cleanup pass skipped: another instance is cleaning');
        return;
      }
      const { deleted, capped, durationMs } = outcome.report;
      // Counts only: never a key, a subject or a client.
      this.logger.log(`cleanup pass deleted ${JSON.stringify(deleted)} in ${durationMs} ms${capped.length ? `; more left in ${capped.join(', ')}` : ''}`);
    } catch (err) {
      this.logger.error(`cleanup pass failed: ${describeDatabaseFailure(err)}`);
    }
  }
}
