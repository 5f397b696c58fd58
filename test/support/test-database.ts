/**
 * Which database a test runs on. CI sets DATABASE_URL to a MariaDB database to run the same suites
 * there; without it every test gets a fresh SQLite file in its own temporary folder.
 *
 * A MySQL/MariaDB database is shared by every test of the run (and by earlier runs against it), so
 * a test on it must create its own users and clients under random names and never assume a table
 * is empty.
 */
import { createHash } from 'node:crypto';
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

