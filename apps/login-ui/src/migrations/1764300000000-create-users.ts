import { column, nullable, primary } from '@tessera/database';
import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

export class CreateUsers1764300000000 implements MigrationInterface {
  name = 'CreateUsers1764300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(new Table({
      name: 'users',
      columns: [
        column.varchar('id', 36, primary),
        column.varchar('username', 190),
        column.varchar('username_key', 190),
        column.varchar('email', 254, nullable),
        column.varchar('email_key', 254, nullable),
        column.boolean('email_verified'),
        column.varchar('name', 200, nullable),
        column.varchar('password_hash', 255),
        column.text('roles'),
        column.boolean('disabled'),
        column.instant('created_at'),
        column.instant('updated_at'),
      ],
      indices: [
        new TableIndex({ name: 'UQ_users_username_key', columnNames: ['username_key'], isUnique: true }),
        new TableIndex({ name: 'UQ_users_email_key', columnNames: ['email_key'], isUnique: true }),
      ],
    }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('users');
  }
}
