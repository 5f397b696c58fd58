import type { ClaimSet } from '../claims/claims.rule';
import { epochMillis } from '@tessera/database';
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * What one code exchange granted: the family of every access and refresh token issued from it.
 * Revoking it (revocation, refresh-token reuse, code replay) ends them all. Access tokens carry
 * its id as the `gid` claim, so userinfo and introspection can tell a revoked family.
 */
@Entity('token_grants')
export class TokenGrant {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id!: string;

  // Deleting a client revokes its grants; the admin API lists a client's sessions (admin/).
  @Index('idx_grants_client')
  @Column({ name: 'client_id', type: 'varchar', length: 64 })
  clientId!: string;

  @Index('idx_grants_subject')
  @Column({ type: 'varchar', length: 255 })
  subject!: string;

  @Column({ type: 'varchar', length: 1000 })
  scope!: string;

  @Column({ type: 'simple-json' })
  claims!: ClaimSet;

  @Column({ name: 'auth_time', type: 'bigint', transformer: epochMillis })
  authTime!: number;

  @Column({ type: 'simple-json' })
  amr!: string[];

  @Index('idx_grants_session')
  @Column({ name: 'session_id', type: 'varchar', length: 64 })
  sessionId!: string;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMillis })
  createdAt!: number;

  @Column({ name: 'revoked_at', type: 'bigint', nullable: true, transformer: epochMillis })
  revokedAt!: number | null;
}
