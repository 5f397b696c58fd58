import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';

/**
 * Indexes on the instants at which rows stop being needed, so that the cleanup (maintenance/) finds
 * expired rows through an index and a LIMIT, never by scanning a table a request uses. MySQL 8 and
 * MariaDB build a secondary index in place, without blocking writes to the table meanwhile.
 * (authorization_flows.expires_at has one already; status_lists holds one row per 65,536 tokens.)
 */
const INDEXES: [table: string, name: string, column: string][] = [
  ['logout_requests', 'idx_logout_expires_at', 'expires_at'],
  ['authorization_codes', 'idx_codes_expires_at', 'expires_at'],
  ['refresh_tokens', 'idx_refresh_expires_at', 'expires_at'],
  ['token_statuses', 'idx_token_statuses_expires_at', 'expires_at'],
  ['sso_sessions', 'idx_sessions_expires_at', 'expires_at'],
  ['sso_sessions', 'idx_sessions_ended_at', 'ended_at'],
];

export class CleanupIndexes1764300310000 implements MigrationInterface {
  name = 'CleanupIndexes1764300310000';

  async up(q: QueryRunner): Promise<void> {
    for (const [table, name, column] of INDEXES) await q.createIndex(table, new TableIndex({ name, columnNames: [column] }));
  }

  async down(q: QueryRunner): Promise<void> {
    for (const [table, name] of [...INDEXES].reverse()) await q.dropIndex(table, name);
  }
}
