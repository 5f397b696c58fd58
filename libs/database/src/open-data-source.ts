import { createConnection } from 'mysql2/promise';
import { DataSource } from 'typeorm';
import { createDataSource, DataSourceSpec } from './data-source.factory';
import { DatabaseTarget } from './database-url';
import { runMigrationsExclusively } from './migrate';

/**
 * Opens an app's database ready for requests: the server's flavour detected, connected, and its
 * migrations run under a lock. Used by each app at start-up, by the CLI and by tests.
 */
export async function openMigratedDataSource(spec: DataSourceSpec & { lockName: string }): Promise<DataSource> {
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
  });
  try {
    const [rows] = await connection.query('SELECT VERSION() AS version');
    const version = String((rows as { version: string }[])[0]?.version ?? '');
    return { ...target, flavour: /mariadb/i.test(version) ? 'mariadb' : 'mysql' };
  } finally {
    await connection.end();
  }
}
