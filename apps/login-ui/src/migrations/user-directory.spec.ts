import { openMigratedDataSource, parseDatabaseUrl } from '@tessera/database';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScratchDatabase, scratchDatabase } from '../../../../test/support/scratch-database';
import { openLoginUiDatabase } from '../database/database.module';
import { LOGIN_UI_MIGRATIONS_TABLE } from '../database/schema';
import { PasswordHasher } from '../users/password-hasher';
import { UserRepository } from '../users/user.repository';
import { Users } from '../users/users.service';
import { CreateUsers1764300000000 } from './1764300000000-create-users';
import { AddUsersLockout1764400000000 } from './1764400000000-add-users-lockout';

// Upgrading an installation that already has accounts: it needs a database at the previous migration.
describe('UserDirectory migration', () => {
  let tmp: string;
  let database: ScratchDatabase;

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'tessera-directory-migration-'));
    database = await scratchDatabase(tmp);
  });

  afterAll(async () => {
    await database?.drop();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('makes the existing accounts searchable by name and listable by role', async () => {
    const before = await openMigratedDataSource({
      target: parseDatabaseUrl(database.url),
      entities: [],
      migrations: [CreateUsers1764300000000, AddUsersLockout1764400000000],
      migrationsTableName: LOGIN_UI_MIGRATIONS_TABLE,
      lockName: 'tessera_login_ui_migrations',
    });
    const insert = (id: string, username: string, name: string | null, roles: string) => before.query(
      `INSERT INTO users (id, username, username_key, email_verified, name, password_hash, roles, disabled, created_at, updated_at)
       VALUES (?, ?, ?, 0, ?, 'x', ?, 0, 1, 1)`,
      [id, username, username.toLowerCase(), name, roles],
    );
    await insert('00000000-0000-4000-8000-000000000001', 'ada', 'Ａda Lovelace', '["admin"]');
    await insert('00000000-0000-4000-8000-000000000002', 'grace', 'Grace Hopper', '[]');
    await insert('00000000-0000-4000-8000-000000000003', 'nameless', null, '["admin","admin"]');
    await before.destroy();

    const after = await openLoginUiDatabase({ database: parseDatabaseUrl(database.url) });
    try {
      const users = new Users(new UserRepository(after), new PasswordHasher());
      const list = async (query: { q?: string; role?: string }) => (await users.listAccounts({ limit: 10, ...query })).users.map((u) => u.username);
      // The fullwidth letter in the stored name folds like a typed one (loginKey).
      expect(await list({ q: 'ada l' })).toEqual(['ada']);
      expect(await list({ q: 'GRACE H' })).toEqual(['grace']);
      expect(await list({ role: 'admin' })).toEqual(['ada', 'nameless']);
    } finally {
      await after.destroy();
    }
  });
});
