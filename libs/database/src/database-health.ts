import { DataSource } from 'typeorm';

export type CheckResult = 'up' | 'down' | 'pending' | 'skipped';

export type DatabaseHealth = {
  database: CheckResult;
  /** `pending` when a migration of this app has not run; `skipped` when the database did not answer. */
  migrations: CheckResult;
};

/**
 * What a readiness probe needs to know about the database: does it answer a trivial query within
 * `timeoutMs`, and are this app's migrations all applied. Never throws; a probe must answer even
 * when the pool is stuck, so the query races a timer instead of waiting for the driver.
 *
 * @example
 * ```ts
 * const health = await checkDatabase(dataSource, 2000);
 * const ready = health.database === 'up' && health.migrations === 'up';
 * ```
 */
export async function checkDatabase(dataSource: DataSource, timeoutMs: number): Promise<DatabaseHealth> {
  if (!dataSource.isInitialized) return { database: 'down', migrations: 'skipped' };
  if (!(await withinTime(dataSource.query('SELECT 1'), timeoutMs))) return { database: 'down', migrations: 'skipped' };
  const applied = await withinTime(appliedMigrationNames(dataSource), timeoutMs);
  if (!applied) return { database: 'down', migrations: 'skipped' };
  const pending = dataSource.migrations.some((m) => !applied.value.has(m.name ?? m.constructor.name));
  return { database: 'up', migrations: pending ? 'pending' : 'up' };
}

// One plain query (TypeORM's showMigrations() may create the table and holds a connection it
// does not give back when a query fails): a probe must never leak from the pool.
async function appliedMigrationNames(dataSource: DataSource): Promise<Set<string>> {
  const table = dataSource.driver.escape(dataSource.options.migrationsTableName ?? 'migrations');
  const rows = (await dataSource.query(`SELECT name FROM ${table}`)) as { name: string }[];
  return new Set(rows.map((row) => row.name));
}

/** The promise's value, or undefined when it rejected or took longer than `ms`. */
async function withinTime<T>(promise: Promise<T>, ms: number): Promise<{ value: T } | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
    timer.unref();
  });
  try {
    return await Promise.race([promise.then((value) => ({ value }), () => undefined), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** How long a readiness probe waits for the database before calling it down. */
export const READINESS_TIMEOUT_MS = 2_000;

/**
 * A readiness answer from named checks: 200 when every one is up, else 503 with the ones that are
 * not listed under `failing`.
 *
 * @example
 * ```ts
 * const { status, body } = readiness({ database: 'up', migrations: 'up', signingKey: 'down' });
 * // status 503, body.failing ['signingKey']
 * ```
 */
export function readiness(checks: Record<string, CheckResult>): {
  status: 200 | 503;
  body: { status: 'ready' | 'unavailable'; checks: Record<string, CheckResult>; failing?: string[] };
} {
  const failing = Object.keys(checks).filter((name) => checks[name] !== 'up');
  return failing.length
    ? { status: 503, body: { status: 'unavailable', checks, failing } }
    : { status: 200, body: { status: 'ready', checks } };
}
