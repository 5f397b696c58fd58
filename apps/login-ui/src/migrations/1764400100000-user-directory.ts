import { column, nullable, primary } from '@tessera/database';
import { MigrationInterface, QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';
import { loginKey } from '../users/login-key';

/**
 * The admin directory (users/user.repository.ts): profile claims beyond name and email, and the
 * indexes its lists page through — by name prefix, by enabled/disabled, and by role.
 */
export class UserDirectory1764400100000 implements MigrationInterface {
  name = 'UserDirectory1764400100000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumns('users', [
      new TableColumn(column.varchar('name_key', 200, nullable)),
      new TableColumn(column.text('profile', nullable)),
    ]);
    await q.createIndex('users', new TableIndex({ name: 'IDX_users_name_key', columnNames: ['name_key', 'id'] }));
    await q.createIndex('users', new TableIndex({ name: 'IDX_users_disabled_username_key', columnNames: ['disabled', 'username_key'] }));
    await q.createTable(new Table({
      name: 'user_roles',
      columns: [
        column.varchar('role', 64, primary),
        column.varchar('username_key', 190, primary),
        column.varchar('user_id', 36),
      ],
      indices: [new TableIndex({ name: 'IDX_user_roles_user_id', columnNames: ['user_id'] })],
    }));
    await this.fillExistingAccounts(q);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('user_roles');
    await q.dropIndex('users', 'IDX_users_disabled_username_key');
    await q.dropIndex('users', 'IDX_users_name_key');
    await q.dropColumns('users', ['profile', 'name_key']);
  }

  /** Accounts made before: their name's search key and their roles' index rows. */
  private async fillExistingAccounts(q: QueryRunner): Promise<void> {
    const rows = (await q.query('SELECT id, username_key, name, roles FROM users WHERE name IS NOT NULL OR roles <> ?', ['[]'])) as
      { id: string; username_key: string; name: string | null; roles: string }[];
    for (const row of rows) {
      if (row.name !== null) await q.query('UPDATE users SET name_key = ? WHERE id = ?', [loginKey(row.name), row.id]);
      for (const role of new Set(parseRoles(row.roles))) {
        await q.query('INSERT INTO user_roles (role, username_key, user_id) VALUES (?, ?, ?)', [role, row.username_key, row.id]);
      }
    }
  }
}

function parseRoles(stored: string): string[] {
  try {
    const roles: unknown = JSON.parse(stored);
    return Array.isArray(roles) ? roles.filter((r): r is string => typeof r === 'string' && r.length > 0 && r.length <= 64) : [];
  } catch {
    return [];
  }
}
