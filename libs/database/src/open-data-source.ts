import { createConnection } from 'mysql2/promise';
import { DataSource } from 'typeorm';
import { CONNECT_TIMEOUT_MS, createDataSource, DataSourceSpec } from './data-source.factory';
import { DatabaseTarget } from './database-url';
import { databaseFailureOf, describeDatabaseFailure } from './database-errors';
import { runMigrationsExclusively } from './migrate';

export interface StartupWait {
  /** How long to keep trying while the server cannot be reached (DATABASE_STARTUP_TIMEOUT); 0 tries once. */
  timeoutSeconds: number;
  /** Told what the process is waiting for, once per attempt. */
  log(message: string): void;
}

const FIRST_RETRY_MS = 250;
const LONGEST_RETRY_MS = 5_000;

/**
 * Opens an app's database ready for requests: the server's flavour detected, connected, and its
 * migrations run under a lock. Used by each app at start-up, by the CLI and by tests.
 *
 * With `startup`, a server that cannot be reached yet (a process started before its database, as
 * under compose or Kubernetes) is tried again with a growing wait until `timeoutSeconds` have
 * passed; then it throws an error naming DATABASE_STARTUP_TIMEOUT. Other failures (bad
 * credentials, a failing migration) throw at once: waiting would not mend them.
 */
export async function openMigratedDataSource(spec: DataSourceSpec & { lockName: string; startup?: StartupWait }): Promise<DataSource> {
  if (!spec.startup) return openOnce(spec);
  const { timeoutSeconds, log } = spec.startup;
  const deadline = Date.now() + timeoutSeconds * 1000;
  for (let wait = FIRST_RETRY_MS; ; wait = Math.min(wait * 2, LONGEST_RETRY_MS)) {
    try {
      return await openOnce(spec);
    } catch (err) {
      if (databaseFailureOf(err) !== 'unreachable') throw err;
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(`the database at ${where(spec.target)} did not answer within ${timeoutSeconds} s (DATABASE_STARTUP_TIMEOUT): ${describeDatabaseFailure(err)}`);
      }
      const pause = Math.min(wait, left);
      log(`waiting for the database at ${where(spec.target)} (${describeDatabaseFailure(err)}); next try in ${(pause / 1000).toFixed(1)} s`);
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }
}

/** host:port/database, never the user or password. */
function where(target: DatabaseTarget): string {
  return target.kind === 'sqlite' ? target.path : `${target.host}:${target.port}/${target.database}`;
}

async function openOnce(spec: DataSourceSpec & { lockName: string }): Promise<DataSource> {
  const dataSource = createDataSource({ ...spec, target: await withServerFlavour(spec.target) });
  await dataSource.initialize();
  try {
    await runMigrationsExclusively(dataSource, spec.lockName);
  } catch (err) {
    await dataSource.destroy();
    throw err;
  }
  return dataSource;
}

/**
 * MariaDB reports column metadata differently from MySQL (a nullable column's default reads as
 * the string 'NULL'), and TypeORM only reads it right with its `mariadb` driver; a `mysql://` URL
 * may point at either, so ask the server.
 */
async function withServerFlavour(target: DatabaseTarget): Promise<DatabaseTarget> {
  if (target.kind !== 'mysql' || target.flavour) return target;
  const connection = await createConnection({
    host: target.host, port: target.port, user: target.username, password: target.password, database: target.database,
    connectTimeout: CONNECT_TIMEOUT_MS,
  });
  try {
    const [rows] = await connection.query('SELECT VERSION() AS version');
    const version = String((rows as { version: string }[])[0]?.version ?? '');
    return { ...target, flavour: /mariadb/i.test(version) ? 'mariadb' : 'mysql' };
  } finally {
    await connection.end();
  }
}
