import { epochMillis } from '@tessera/database';
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * An initial access token for dynamic registration (RFC 7591 §3), made through the admin API: a
 * random secret shown once, stored only as its hash, good until `expires_at` for `uses_left` more
 * registrations unless revoked.
 */
@Entity('initial_access_tokens')
export class InitialAccessToken {
  /** Public, for listing and revoking; never the secret. */
  @PrimaryColumn({ type: 'varchar', length: 32 })
  id!: string;

  @Index('idx_initial_access_tokens_hash', { unique: true })
  @Column({ name: 'token_hash', type: 'varchar', length: 64 })
  tokenHash!: string;

  @Column({ name: 'max_uses', type: 'integer' })
  maxUses!: number;

  @Column({ name: 'uses_left', type: 'integer' })
  usesLeft!: number;

  /** The admin who made it: a person's sub or `client:<client_id>`. */
  @Column({ name: 'created_by', type: 'varchar', length: 255 })
  createdBy!: string;

  @Index('idx_initial_access_tokens_created')
  @Column({ name: 'created_at', type: 'bigint', transformer: epochMillis })
  createdAt!: number;

  // This and revoked_at's: the cleanup finds spent tokens by them (migration 1764300350000).
  @Index('idx_initial_access_tokens_expires_at')
  @Column({ name: 'expires_at', type: 'bigint', transformer: epochMillis })
  expiresAt!: number;

  @Index('idx_initial_access_tokens_revoked_at')
  @Column({ name: 'revoked_at', type: 'bigint', nullable: true, transformer: epochMillis })
  revokedAt!: number | null;
}
