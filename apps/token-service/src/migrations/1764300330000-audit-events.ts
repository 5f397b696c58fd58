import { column, nullable, primary } from '@tessera/database';
import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

/** The audit trail (audit/): one append-only table, newest-first lists by time, person, client, type or actor. */
export class AuditEvents1764300330000 implements MigrationInterface {
  name = 'AuditEvents1764300330000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({
      name: 'audit_events',
      columns: [
        column.varchar('id', 32, primary),
        column.instant('at'),
        column.varchar('type', 64),
        column.varchar('actor', 255, nullable),
        column.varchar('subject', 255, nullable),
        column.varchar('client_id', 64, nullable),
        column.varchar('session_id', 64, nullable),
        column.varchar('ip', 64, nullable),
        column.varchar('reason', 64, nullable),
        column.text('details', nullable),
      ],
      indices: [
        new TableIndex({ name: 'idx_audit_events_at', columnNames: ['at', 'id'] }),
        new TableIndex({ name: 'idx_audit_events_subject', columnNames: ['subject', 'at', 'id'] }),
        new TableIndex({ name: 'idx_audit_events_client', columnNames: ['client_id', 'at', 'id'] }),
        new TableIndex({ name: 'idx_audit_events_type', columnNames: ['type', 'at', 'id'] }),
        new TableIndex({ name: 'idx_audit_events_actor', columnNames: ['actor', 'at', 'id'] }),
      ],
    }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('audit_events');
  }
}
