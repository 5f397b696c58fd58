import { column, nullable, primary } from '@tessera/database';
import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

/** The issuer's signing keys (keys/signing-key.entity.ts). */
export class SigningKeys1764300000000 implements MigrationInterface {
  name = 'SigningKeys1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({
      name: 'signing_keys',
      columns: [
        column.varchar('kid', 64, primary),
        column.varchar('state', 16),
        column.text('public_jwk'),
        column.text('private_jwk_encrypted'),
        column.instant('created_at'),
        column.instant('activated_at', nullable),
        column.instant('retired_at', nullable),
      ],
      indices: [new TableIndex({ name: 'IDX_signing_keys_state', columnNames: ['state'] })],
    }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('signing_keys');
  }
}
