import { DataSource, QueryRunner } from 'typeorm';

/** What `withNamedLock` answers: the work's result, or that another session held the lock throughout the wait. */
export type NamedLockOutcome<T> = { acquired: true; value: T } | { acquired: false };

/**
 * Runs `work` while holding the MySQL/MariaDB named lock `name` (`GET_LOCK`), on the connection that
 * holds it, and releases the lock afterwards, also when `work` throws. Waits up to `waitSeconds` for
 * another session to release it (0: not at all); if it cannot have it by then, answers
 * `{ acquired: false }` without running `work`. This is how instances sharing one database take turns:
 * TypeORM has no lock of its own (typeorm#4588). The lock dies with its connection, so a crashed
 * holder blocks no one. MySQL/MariaDB only: SQLite has no named locks.
 *
 * @example
 * ```ts
 * const outcome = await withNamedLock(dataSource, 'tessera_cleanup', 0, (runner) => sweep(runner.manager));
 * if (!outcome.acquired) logger.log('another instance is cleaning');
 * ```
 */
export async function withNamedLock<T>(
  dataSource: DataSource,
  name: string,
  waitSeconds: number,
  work: (runner: QueryRunner) => Promise<T>,
): Promise<NamedLockOutcome<T>> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    // 1 when taken, 0 after the wait, NULL on an error (e.g. the session was killed meanwhile).
    const [row] = (await runner.query('SELECT GET_LOCK(?, ?) AS got', [name, waitSeconds])) as { got: number | string | null }[];
    if (Number(row?.got) !== 1) return { acquired: false };
    try {
      return { acquired: true, value: await work(runner) };
    } finally {
      await runner.query('SELECT RELEASE_LOCK(?)', [name]);
    }
  } finally {
    await runner.release();
  }
}
