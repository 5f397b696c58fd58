import { column, nullable, primary } from '@tessera/database';
import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

/** Token Status Lists (status-list/): the lists, one row per access token, and grants by session for logout. */
export class StatusLists1764300200000 implements MigrationInterface {
  name = 'StatusLists1764300200000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({
      name: 'status_lists',
      columns: [
        column.varchar('id', 32, primary),
        column.integer('bits'),
        column.integer('size'),
        column.integer('next_index'),
        column.instant('created_at'),
        column.instant('max_expires_at'),
      ],
      indices: [new TableIndex({ name: 'idx_status_lists_created_at', columnNames: ['created_at'] })],
    }));
    await q.createTable(new Table({
      name: 'token_statuses',
      columns: [
        column.varchar('list_id', 32, primary),
        column.integer('idx', primary),
        column.varchar('grant_id', 64, nullable),
        column.varchar('kid', 64),
        column.instant('expires_at'),
        column.instant('revoked_at', nullable),
      ],
      indices: [
        new TableIndex({ name: 'idx_token_statuses_list_revoked', columnNames: ['list_id', 'revoked_at'] }),
        new TableIndex({ name: 'idx_token_statuses_grant', columnNames: ['grant_id'] }),
        new TableIndex({ name: 'idx_token_statuses_kid', columnNames: ['kid'] }),
      ],
    }));
    // Logout revokes the grants of the session it ends (LogoutFlow.complete).
    await q.createIndex('token_grants', new TableIndex({ name: 'idx_grants_session', columnNames: ['session_id'] }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('token_grants', 'idx_grants_session');
    await q.dropTable('token_statuses');
    await q.dropTable('status_lists');
  }
}
