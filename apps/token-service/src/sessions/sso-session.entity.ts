import type { ClaimSet } from '../claims/claims.rule';
import { booleanColumn, epochMillis } from '@tessera/database';
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * The SSO session: the browser holds a random secret in the `tessera_sso` cookie, the database its
 * hash. `id` is public: it is the `sid` claim (OIDC Front/Back-Channel Logout), never the secret.
 */
@Entity('sso_sessions')
export class SsoSession {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id!: string;

  @Index('idx_sessions_token', { unique: true })
  @Column({ name: 'token_hash', type: 'varchar', length: 64 })
  tokenHash!: string;

  @Index('idx_sessions_subject')
  @Column({ type: 'varchar', length: 255 })
  subject!: string;

  @Column({ name: 'auth_time', type: 'bigint', transformer: epochMillis })
  authTime!: number;

  @Column({ type: 'simple-json' })
  amr!: string[];

  @Column({ type: 'simple-json' })
  claims!: ClaimSet;

  @Column({ ...booleanColumn })
  remember!: boolean;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMillis })
  createdAt!: number;

  @Index('idx_sessions_expires_at')
  @Column({ name: 'expires_at', type: 'bigint', transformer: epochMillis })
  expiresAt!: number;

  @Index('idx_sessions_ended_at')
  @Column({ name: 'ended_at', type: 'bigint', nullable: true, transformer: epochMillis })
  endedAt!: number | null;
}
