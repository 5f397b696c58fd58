import { column, nullable, primary } from '@tessera/database';
import { MigrationInterface, QueryRunner, Table } from 'typeorm';

/** Registered OAuth clients (clients/client.entity.ts). */
export class Clients1764300100000 implements MigrationInterface {
  name = 'Clients1764300100000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({
      name: 'clients',
      columns: [
        column.varchar('client_id', 64, primary),
        column.varchar('client_secret_hash', 64, nullable),
        column.varchar('client_name', 200),
        column.varchar('client_uri', 2000, nullable),
        // The entity declares these simple-json: TypeORM keeps them as JSON in a text column.
        column.text('redirect_uris'),
        column.text('post_logout_redirect_uris'),
        column.text('grant_types'),
        column.text('response_types'),
        column.varchar('token_endpoint_auth_method', 32),
        column.boolean('first_party'),
        column.instant('created_at'),
      ],
    }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('clients');
  }
}
