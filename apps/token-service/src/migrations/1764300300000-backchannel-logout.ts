import { column, nullable, primary } from '@tessera/database';
import { MigrationInterface, QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';

/**
 * OIDC Back-Channel Logout 1.0: the clients' registration metadata (§2.2) and one row per logout
 * token to deliver (logout/backchannel/), so that any instance can retry what another one started.
 */
export class BackchannelLogout1764300300000 implements MigrationInterface {
  name = 'BackchannelLogout1764300300000';

  async up(q: QueryRunner): Promise<void> {
    const sessionRequired = column.boolean('backchannel_logout_session_required');
    await q.addColumns('clients', [
      new TableColumn(column.varchar('backchannel_logout_uri', 2000, nullable)),
      // Clients registered before this migration did not ask for sid.
      new TableColumn({ ...sessionRequired, default: false }),
    ]);
    // Then no default, as the entity has none: TypeORM re-reads a column with a default after an
    // INSERT on MySQL, and would hand back the raw 0/1 instead of a boolean.
    await q.changeColumn('clients', 'backchannel_logout_session_required', new TableColumn(sessionRequired));
    await q.createTable(new Table({
      name: 'backchannel_deliveries',
      columns: [
        column.varchar('id', 64, primary),
        column.varchar('session_id', 64),
        column.varchar('client_id', 64),
        column.varchar('subject', 255),
        column.varchar('status', 16),
        column.integer('attempts'),
        column.varchar('last_error', 200, nullable),
        column.instant('next_attempt_at'),
        column.instant('created_at'),
        column.instant('delivered_at', nullable),
      ],
      indices: [
        // One delivery per client and session, however often the session is reported ended.
        new TableIndex({ name: 'idx_backchannel_session_client', columnNames: ['session_id', 'client_id'], isUnique: true }),
        // The retry timer's query: pending rows whose next attempt is due.
        new TableIndex({ name: 'idx_backchannel_due', columnNames: ['status', 'next_attempt_at'] }),
      ],
    }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('backchannel_deliveries');
    await q.dropColumns('clients', ['backchannel_logout_session_required', 'backchannel_logout_uri']);
  }
}
