import type { MetricsRegistry } from './metrics-registry';

/** What the gauge needs of a TypeORM DataSource, so this lib does not depend on TypeORM. */
export interface PooledDataSource {
  readonly isInitialized: boolean;
  readonly driver: unknown;
}

/**
 * Connections of a mysql2 pool in use and idle, as the driver counts them; an embedded SQLite
 * database has no pool and reports nothing. `driver` is TypeORM's `dataSource.driver`.
 */
export function poolSamples(driver: unknown): { labels: { state: string }; value: number }[] {
  const pool = (driver as { pool?: { _allConnections?: { length: number }; _freeConnections?: { length: number } } } | undefined)?.pool;
  const all = pool?._allConnections?.length;
  const free = pool?._freeConnections?.length;
  if (typeof all !== 'number' || typeof free !== 'number') return [];
  return [
    { labels: { state: 'in_use' }, value: all - free },
    { labels: { state: 'idle' }, value: free },
  ];
}

/**
 * Registers `tessera_db_pool_connections{state="in_use"|"idle"}`, read at scrape time from the
 * app's DataSource. The getter may answer undefined (the app is not built yet, or is closing):
 * the scrape then has no samples rather than failing.
 *
 * @example
 * ```ts
 * let app: INestApplication | undefined;
 * registerDatabasePoolGauge(registry, () => app?.get(DataSource));
 * ```
 */
export function registerDatabasePoolGauge(registry: MetricsRegistry, dataSource: () => PooledDataSource | undefined): void {
  registry.gauge('tessera_db_pool_connections', 'Database pool connections by state (MySQL/MariaDB only)', () => {
    const current = dataSource();
    return current?.isInitialized ? poolSamples(current.driver) : [];
  });
}
