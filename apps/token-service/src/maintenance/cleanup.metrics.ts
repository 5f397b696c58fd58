import { Counter, MetricsRegistry } from '@tessera/operations';
import { CLEANUP_TABLES, CleanupReport } from './cleanup-pass';

/** What the cleanup tells about its passes (cleanup.service.ts `reportTo`). */
export interface CleanupReports {
  passRan(report: CleanupReport): void;
  /** Another instance held the lock: this one did nothing. */
  passSkipped(): void;
}

/**
 * The cleanup's metrics: rows deleted by table, the duration of this instance's last pass, and the
 * passes it skipped because another instance was cleaning. Per instance, like every counter here:
 * sum them over the instances.
 */
export class CleanupMetrics implements CleanupReports {
  private readonly deleted: Counter;
  private readonly skipped: Counter;
  private lastDurationSeconds?: number;

  constructor(registry: MetricsRegistry) {
    this.deleted = registry.counter('tessera_cleanup_rows_deleted_total', 'Rows the cleanup deleted, by table');
    this.skipped = registry.counter('tessera_cleanup_runs_skipped_total', 'Cleanup passes skipped because another instance held the lock');
    registry.gauge('tessera_cleanup_last_run_duration_seconds', "Duration of this instance's last cleanup pass", () =>
      (this.lastDurationSeconds === undefined ? [] : [{ value: this.lastDurationSeconds }]));
    // Every series from the first scrape on, so rate() sees the first increment.
    for (const table of CLEANUP_TABLES) this.deleted.inc({ table }, 0);
    this.skipped.inc({}, 0);
  }

  passRan(report: CleanupReport): void {
    for (const table of CLEANUP_TABLES) this.deleted.inc({ table }, report.deleted[table]);
    this.lastDurationSeconds = report.durationMs / 1000;
  }

  passSkipped(): void {
    this.skipped.inc();
  }
}
