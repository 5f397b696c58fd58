import { column, nullable, primary } from '@tessera/database';
import { MigrationInterface, QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';

/**
 * The admin API (admin/): each client's allowed `scope` (RFC 7591 §2), the initial access tokens it
 * makes for registration, and the indexes its lists and revocations read by.
 */
export class AdminApi1764300340000 implements MigrationInterface {
  name = 'AdminApi1764300340000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('clients', new TableColumn(column.varchar('scope', 1000, nullable)));
    await q.createIndex('clients', new TableIndex({ name: 'idx_clients_name', columnNames: ['client_name'] }));
    await q.createIndex('token_grants', new TableIndex({ name: 'idx_grants_client', columnNames: ['client_id'] }));
    await q.createTable(new Table({
      name: 'initial_access_tokens',
      columns: [
        column.varchar('id', 32, primary),
        column.varchar('token_hash', 64),
        column.integer('max_uses'),
        column.integer('uses_left'),
        column.varchar('created_by', 255),
        column.instant('created_at'),
        column.instant('expires_at'),
        column.instant('revoked_at', nullable),
      ],
      indices: [
        new TableIndex({ name: 'idx_initial_access_tokens_hash', columnNames: ['token_hash'], isUnique: true }),
        new TableIndex({ name: 'idx_initial_access_tokens_created', columnNames: ['created_at'] }),
      ],
    }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('initial_access_tokens');
    await q.dropIndex('token_grants', 'idx_grants_client');
    await q.dropIndex('clients', 'idx_clients_name');
    await q.dropColumn('clients', 'scope');
  }
}
