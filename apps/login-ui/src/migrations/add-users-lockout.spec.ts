import { openMigratedDataSource, parseDatabaseUrl } from '@tessera/database';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScratchDatabase, scratchDatabase } from '../../../../test/support/scratch-database';
import { openLoginUiDatabase } from '../database/database.module';
import { LOGIN_UI_MIGRATIONS_TABLE } from '../database/schema';
import { CreateUsers1764300000000 } from './1764300000000-create-users';

// Upgrading an installation that already has accounts: it needs a database at the first migration.
describe('AddUsersLockout migration', () => {
  let tmp: string;
  let database: ScratchDatabase;

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'tessera-lockout-migration-'));
    database = await scratchDatabase(tmp);
  });

  afterAll(async () => {
    await database?.drop();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('keeps the existing accounts, with no failures and no lock', async () => {
    const before = await openMigratedDataSource({
      target: parseDatabaseUrl(database.url),
      entities: [],
      migrations: [CreateUsers1764300000000],
      migrationsTableName: LOGIN_UI_MIGRATIONS_TABLE,
      lockName: 'tessera_login_ui_migrations',
    });
    await before.query(
      `INSERT INTO users (id, username, username_key, email_verified, password_hash, roles, disabled, created_at, updated_at)
       VALUES ('00000000-0000-4000-8000-000000000001', 'ada', 'ada', 0, 'x', '[]', 0, 1, 1)`,
    );
    await before.destroy();

    const after = await openLoginUiDatabase({ database: parseDatabaseUrl(database.url) });
    try {
      const rows = (await after.query('SELECT username, failed_count, last_failure_at, locked_until FROM users')) as Record<string, unknown>[];
      expect(rows.map((r) => ({ ...r, failed_count: Number(r.failed_count) }))).toEqual([
        { username: 'ada', failed_count: 0, last_failure_at: null, locked_until: null },
      ]);
    } finally {
      await after.destroy();
    }
  });
});
