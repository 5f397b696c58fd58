import { column, nullable } from '@tessera/database';
import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/** Per-account lockout state (see users/lockout.rule.ts); read and written by primary key only. */
export class AddUsersLockout1764400000000 implements MigrationInterface {
  name = 'AddUsersLockout1764400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns('users', [
      // Existing accounts start with no failures.
      new TableColumn({ ...column.integer('failed_count'), default: 0 }),
      new TableColumn(column.instant('last_failure_at', nullable)),
      new TableColumn(column.instant('locked_until', nullable)),
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumns('users', ['locked_until', 'last_failure_at', 'failed_count']);
  }
}
