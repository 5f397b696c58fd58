import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';

/**
 * Indexes through which the cleanup (maintenance/) finds spent initial access tokens: 30 days after
 * they expired or were revoked. The other tables it now sweeps have theirs already: finished
 * back-channel deliveries idx_backchannel_due (status, next_attempt_at), audit events idx_audit_events_at.
 */
export class CleanupMore1764300350000 implements MigrationInterface {
  name = 'CleanupMore1764300350000';

  private readonly indexes = () => [
    new TableIndex({ name: 'idx_initial_access_tokens_expires_at', columnNames: ['expires_at'] }),
    new TableIndex({ name: 'idx_initial_access_tokens_revoked_at', columnNames: ['revoked_at'] }),
  ];

  async up(q: QueryRunner): Promise<void> {
    await q.createIndices('initial_access_tokens', this.indexes());
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndices('initial_access_tokens', this.indexes());
  }
}
