import { epochMillis } from '@tessera/database';
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * The status of one access token: its (list, idx), the grant it belongs to (null for a client's own
 * token), the key that signed it, and when it was revoked. Revoking a grant, a session or a key sets
 * `revoked_at` on its rows; the status list is built from the revoked rows of a list.
 */
@Entity('token_statuses')
@Index('idx_token_statuses_list_revoked', ['listId', 'revokedAt'])
export class TokenStatus {
  @PrimaryColumn({ name: 'list_id', type: 'varchar', length: 32 })
  listId!: string;

  @PrimaryColumn({ type: 'integer' })
  idx!: number;

  @Index('idx_token_statuses_grant')
  @Column({ name: 'grant_id', type: 'varchar', length: 64, nullable: true })
  grantId!: string | null;

  @Index('idx_token_statuses_kid')
  @Column({ type: 'varchar', length: 64 })
  kid!: string;

  @Index('idx_token_statuses_expires_at')
  @Column({ name: 'expires_at', type: 'bigint', transformer: epochMillis })
  expiresAt!: number;

  @Column({ name: 'revoked_at', type: 'bigint', nullable: true, transformer: epochMillis })
  revokedAt!: number | null;
}
