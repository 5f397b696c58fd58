import { column, nullable, primary } from '@tessera/database';
import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

/** Sign-ins in progress, SSO sessions, remembered consent, codes, grants, refresh tokens, logout requests. */
export class AuthorizationFlow1764300001000 implements MigrationInterface {
  name = 'AuthorizationFlow1764300001000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({
      name: 'authorization_flows',
      columns: [
        column.varchar('id', 64, primary),
        column.varchar('state', 24),
        column.varchar('login_challenge_hash', 64, nullable),
        column.varchar('login_verifier_hash', 64, nullable),
        column.varchar('consent_challenge_hash', 64, nullable),
        column.varchar('consent_verifier_hash', 64, nullable),
        column.varchar('browser_hash', 64),
        column.varchar('client_id', 64),
        column.varchar('redirect_uri', 2000),
        column.varchar('scope', 1000),
        column.varchar('oauth_state', 1024, nullable),
        column.varchar('nonce', 512, nullable),
        column.varchar('code_challenge', 128),
        column.varchar('prompt', 64, nullable),
        column.integer('max_age', nullable),
        column.varchar('login_hint', 255, nullable),
        column.varchar('subject', 255, nullable),
        column.instant('auth_time', nullable),
        column.text('amr', nullable),
        column.text('claims', nullable),
        column.boolean('remember', nullable),
        column.varchar('session_id', 64, nullable),
        column.varchar('granted_scope', 1000, nullable),
        column.boolean('remember_consent', nullable),
        column.instant('created_at'),
        column.instant('expires_at'),
      ],
      indices: [
        new TableIndex({ name: 'idx_flows_login_challenge', columnNames: ['login_challenge_hash'], isUnique: true }),
        new TableIndex({ name: 'idx_flows_login_verifier', columnNames: ['login_verifier_hash'], isUnique: true }),
        new TableIndex({ name: 'idx_flows_consent_challenge', columnNames: ['consent_challenge_hash'], isUnique: true }),
        new TableIndex({ name: 'idx_flows_consent_verifier', columnNames: ['consent_verifier_hash'], isUnique: true }),
        new TableIndex({ name: 'idx_flows_expires_at', columnNames: ['expires_at'] }),
      ],
    }));
    await q.createTable(new Table({
      name: 'consent_grants',
      columns: [
        column.varchar('id', 64, primary),
        column.varchar('subject', 255),
        column.varchar('client_id', 64),
        column.varchar('scope', 1000),
        column.instant('created_at'),
      ],
      indices: [new TableIndex({ name: 'idx_consent_subject_client', columnNames: ['subject', 'client_id'], isUnique: true })],
    }));
    await q.createTable(new Table({
      name: 'sso_sessions',
      columns: [
        column.varchar('id', 64, primary),
        column.varchar('token_hash', 64),
        column.varchar('subject', 255),
        column.instant('auth_time'),
        column.text('amr'),
        column.text('claims'),
        column.boolean('remember'),
        column.instant('created_at'),
        column.instant('expires_at'),
        column.instant('ended_at', nullable),
      ],
      indices: [
        new TableIndex({ name: 'idx_sessions_token', columnNames: ['token_hash'], isUnique: true }),
        new TableIndex({ name: 'idx_sessions_subject', columnNames: ['subject'] }),
      ],
    }));
    await q.createTable(new Table({
      name: 'logout_requests',
      columns: [
        column.varchar('id', 64, primary),
        column.varchar('challenge_hash', 64),
        column.varchar('verifier_hash', 64, nullable),
        column.varchar('browser_hash', 64),
        column.varchar('session_id', 64, nullable),
        column.varchar('client_id', 64, nullable),
        column.varchar('post_logout_redirect_uri', 2000, nullable),
        column.varchar('oauth_state', 1024, nullable),
        column.varchar('status', 16),
        column.instant('expires_at'),
      ],
      indices: [
        new TableIndex({ name: 'idx_logout_challenge', columnNames: ['challenge_hash'], isUnique: true }),
        new TableIndex({ name: 'idx_logout_verifier', columnNames: ['verifier_hash'], isUnique: true }),
      ],
    }));
    await q.createTable(new Table({
      name: 'authorization_codes',
      columns: [
        column.varchar('code_hash', 64, primary),
        column.varchar('client_id', 64),
        column.varchar('redirect_uri', 2000),
        column.varchar('code_challenge', 128),
        column.varchar('nonce', 512, nullable),
        column.varchar('scope', 1000),
        column.varchar('subject', 255),
        column.instant('auth_time'),
        column.text('amr'),
        column.text('claims'),
        column.varchar('session_id', 64),
        column.instant('expires_at'),
        column.instant('used_at', nullable),
        column.varchar('grant_id', 64, nullable),
      ],
    }));
    await q.createTable(new Table({
      name: 'token_grants',
      columns: [
        column.varchar('id', 64, primary),
        column.varchar('client_id', 64),
        column.varchar('subject', 255),
        column.varchar('scope', 1000),
        column.text('claims'),
        column.instant('auth_time'),
        column.text('amr'),
        column.varchar('session_id', 64),
        column.instant('created_at'),
        column.instant('revoked_at', nullable),
      ],
      indices: [new TableIndex({ name: 'idx_grants_subject', columnNames: ['subject'] })],
    }));
    await q.createTable(new Table({
      name: 'refresh_tokens',
      columns: [
        column.varchar('token_hash', 64, primary),
        column.varchar('grant_id', 64),
        column.varchar('client_id', 64),
        column.varchar('scope', 1000),
        column.instant('created_at'),
        column.instant('expires_at'),
        column.instant('used_at', nullable),
      ],
      indices: [new TableIndex({ name: 'idx_refresh_grant', columnNames: ['grant_id'] })],
    }));
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['refresh_tokens', 'token_grants', 'authorization_codes', 'logout_requests',
      'sso_sessions', 'consent_grants', 'authorization_flows']) {
      await q.dropTable(table);
    }
  }
}
