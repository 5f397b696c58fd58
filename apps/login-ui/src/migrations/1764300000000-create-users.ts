import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

export class CreateUsers1764300000000 implements MigrationInterface {
  name = 'CreateUsers1764300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(new Table({
      name: 'users',
      columns: [
        { name: 'id', type: 'varchar', length: '36', isPrimary: true },
        { name: 'username', type: 'varchar', length: '190' },
        { name: 'username_key', type: 'varchar', length: '190' },
        { name: 'email', type: 'varchar', length: '254', isNullable: true },
        { name: 'email_key', type: 'varchar', length: '254', isNullable: true },
        { name: 'email_verified', type: 'boolean' },
        { name: 'name', type: 'varchar', length: '200', isNullable: true },
        { name: 'password_hash', type: 'varchar', length: '255' },
        { name: 'roles', type: 'text' },
        { name: 'disabled', type: 'boolean' },
        { name: 'created_at', type: 'bigint' },
        { name: 'updated_at', type: 'bigint' },
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
