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

/** How long mysql2 waits for a server to accept a connection before failing it. */
export const CONNECT_TIMEOUT_MS = 5_000;

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
      // Never hang on a server that does not answer: a connection attempt gives up after
      // CONNECT_TIMEOUT_MS; keep-alive finds a silently dropped connection; and when every
      // connection is busy, requests queue for one only up to a bound (mysql2's pool has no
      // acquire timeout), beyond which they fail fast and are answered 503.
      connectTimeout: CONNECT_TIMEOUT_MS,
      extra: { connectionLimit: 10, queueLimit: 1000, enableKeepAlive: true, keepAliveInitialDelay: 10_000 },
    };
  }
  return new DataSource(options);
}
