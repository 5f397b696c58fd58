import { column, nullable } from '@tessera/database';
import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/**
 * The rotation schedule's instants (keys/key-schedule.ts). The new states (`next`, `removed`,
 * `revoked`) fit the existing varchar(16) `state`; keys retired before this migration get their
 * removal time from their `retired_at` when the schedule first runs.
 */
export class SigningKeySchedule1764300240000 implements MigrationInterface {
  name = 'SigningKeySchedule1764300240000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumns('signing_keys', [
      new TableColumn(column.instant('activate_after', nullable)),
      new TableColumn(column.instant('remove_after', nullable)),
      new TableColumn(column.instant('revoked_at', nullable)),
    ]);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumns('signing_keys', ['activate_after', 'remove_after', 'revoked_at']);
  }
}
