/**
 * Which database a test runs on. CI sets DATABASE_URL to a MariaDB database to run the same suites
 * there; without it every test gets a fresh SQLite file in its own temporary folder.
 *
 * A MySQL/MariaDB database is shared by every test of the run (and by earlier runs against it), so
 * a test on it must create its own users and clients under random names and never assume a table
 * is empty.
 */
import { createConnection } from 'mysql2/promise';
import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';

/** The configured MySQL/MariaDB URL, or undefined when tests run on SQLite. */
export function sharedDatabaseUrl(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const url = env.DATABASE_URL?.trim();
  return url && /^(mysql|mariadb):\/\//i.test(url) ? url : undefined;
}

/** `DATABASE_URL` for a test whose scratch folder is `tmpDir`. */
export function testDatabaseUrl(tmpDir: string, env: NodeJS.ProcessEnv = process.env): string {
  return sharedDatabaseUrl(env) ?? `sqlite:${join(tmpDir, 'tessera.sqlite')}`;
}

/** True when tests share one database and must not rely on it being empty. */
export function isSharedDatabase(env: NodeJS.ProcessEnv = process.env): boolean {
  return sharedDatabaseUrl(env) !== undefined;
}

/**
 * A secret that stays the same for every test run against one shared database. Signing keys are
 * stored encrypted under KEY_ENCRYPTION_SECRET: a second run with a different secret could not read
 * the keys the first one left behind. Derived from the URL, so it is stable but not a constant.
 */
export function stableSecretFor(databaseUrl: string, purpose: string): string {
  return createHash('sha256').update(`tessera-test:${purpose}:${databaseUrl}`).digest('base64url');
}

/**
 * A database of the test's own, for tests that need an empty one: a fresh SQLite file, or on
 * MySQL/MariaDB a new database beside the shared one (the CI user may create `tessera%` databases),
 * dropped again by `drop()`.
 */
export async function emptyDatabaseUrl(tmpDir: string, env: NodeJS.ProcessEnv = process.env): Promise<{ url: string; drop(): Promise<void> }> {
  const shared = sharedDatabaseUrl(env);
  if (!shared) return { url: `sqlite:${join(tmpDir, 'tessera.sqlite')}`, drop: async () => undefined };
  const url = new URL(shared);
  const name = `${url.pathname.slice(1)}_scratch_${randomBytes(4).toString('hex')}`;
  const admin = async (sql: string) => {
    const connection = await createConnection({
      host: url.hostname, port: Number(url.port || 3306),
      user: decodeURIComponent(url.username), password: decodeURIComponent(url.password),
    });
    try { await connection.query(sql); } finally { await connection.end(); }
  };
  await admin(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS \`${name}\``) };
}
