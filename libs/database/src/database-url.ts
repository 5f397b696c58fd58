import { isAbsolute, resolve } from 'node:path';

export type DatabaseTarget =
  | { kind: 'sqlite'; path: string }
  | {
      kind: 'mysql'; host: string; port: number; username: string; password: string; database: string;
      /** The server's kind when known: `mariadb://` says so, otherwise it is asked at connect time. */
      flavour?: 'mysql' | 'mariadb';
    };

export const DEFAULT_SQLITE_PATH = './data/tessera.sqlite';

/**
 * `DATABASE_URL`: unset or `sqlite:PATH` → an SQLite file; `mysql://user:pass@host:port/db`
 * (or `mariadb://…`) → MySQL 8 / MariaDB through mysql2. Throws with a message that never
 * repeats the password.
 */
export function parseDatabaseUrl(value: string | undefined, cwd = process.cwd()): DatabaseTarget {
  const url = value?.trim() || `sqlite:${DEFAULT_SQLITE_PATH}`;
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (!path) throw new Error('DATABASE_URL: sqlite: needs a file path, e.g. sqlite:./data/tessera.sqlite');
    return { kind: 'sqlite', path: isAbsolute(path) ? path : resolve(cwd, path) };
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error('DATABASE_URL: expected sqlite:PATH or mysql://user:password@host:port/database');
  }
  if (parsed.protocol !== 'mysql:' && parsed.protocol !== 'mariadb:') {
    throw new Error(`DATABASE_URL: unsupported scheme "${parsed.protocol}" (use sqlite: or mysql:)`);
  }
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (!database) throw new Error('DATABASE_URL: the MySQL URL names no database');
  return {
    kind: 'mysql',
    host: parsed.hostname || '127.0.0.1',
    port: parsed.port ? Number(parsed.port) : 3306,
    username: decodeURIComponent(parsed.username || 'root'),
    password: decodeURIComponent(parsed.password),
    database,
    ...(parsed.protocol === 'mariadb:' ? { flavour: 'mariadb' as const } : {}),
  };
}
