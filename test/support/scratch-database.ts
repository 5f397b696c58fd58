/**
 * A database of a test's own, for the few tests that need a table to start empty (e.g. the first
 * signing key two instances race to create). On SQLite, a file in the test's folder; on MySQL or
 * MariaDB, a fresh database next to the shared one (its name keeps the shared one's prefix, so the
 * test user's grants cover it), dropped again by `drop()`.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import { parseDatabaseUrl } from '@tessera/database';
import { sharedDatabaseUrl } from './test-database';

export interface ScratchDatabase {
  url: string;
  drop(): Promise<void>;
}

export async function scratchDatabase(tmpDir: string): Promise<ScratchDatabase> {
  const shared = sharedDatabaseUrl();
  if (!shared) return { url: `sqlite:${join(tmpDir, 'scratch.sqlite')}`, drop: async () => undefined };
  const target = parseDatabaseUrl(shared);
  if (target.kind !== 'mysql') throw new Error('unreachable: a shared database is MySQL');
  const name = `${target.database}_scratch_${randomBytes(4).toString('hex')}`;
  const admin = () => createConnection({ host: target.host, port: target.port, user: target.username, password: target.password });
  const connection = await admin();
  await connection.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`);
  await connection.end();
  const url = new URL(shared);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = await admin();
      await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await c.end();
    },
  };
}
