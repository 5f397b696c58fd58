import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DataSource, DataSourceOptions, EntitySchema, MixedList } from 'typeorm';
import { DatabaseTarget } from './database-url';

export interface DataSourceSpec {
  target: DatabaseTarget;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: MixedList<Function | string>;
  /** Each app keeps its own migration history in the shared database. */
  migrationsTableName: string;
}

/** One DataSource factory for every app: SQLite by default, MySQL/MariaDB when the URL says so. */
export function createDataSource(spec: DataSourceSpec): DataSource {
  const common = {
    entities: spec.entities,
    migrations: spec.migrations,
    migrationsTableName: spec.migrationsTableName,
    synchronize: false,
    logging: false,
  } as const;
  const { target } = spec;
  let options: DataSourceOptions;
  if (target.kind === 'sqlite') {
    mkdirSync(dirname(target.path), { recursive: true });
    options = {
      ...common,
      type: 'better-sqlite3',
      database: target.path,
      // WAL lets the apps and the CLI read while one of them writes; the busy timeout makes a
      // writer wait for another instead of failing.
      enableWAL: true,
      timeout: 10_000,
    };
  } else {
    options = {
      ...common,
      type: target.flavour ?? 'mysql',
      host: target.host,
      port: target.port,
      username: target.username,
      password: target.password,
      database: target.database,
      charset: 'utf8mb4_unicode_ci',
      timezone: 'Z',
      supportBigNumbers: true,
      bigNumberStrings: false,
      extra: { connectionLimit: 10 },
    };
  }
  return new DataSource(options);
}
