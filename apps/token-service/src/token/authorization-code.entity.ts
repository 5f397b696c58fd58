import type { ClaimSet } from '../claims/claims.rule';
import { epochMillis } from '@tessera/database';
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** A single-use authorization code, stored only as its hash, bound to client, redirect_uri and PKCE. */
@Entity('authorization_codes')
export class AuthorizationCode {
  @PrimaryColumn({ name: 'code_hash', type: 'varchar', length: 64 })
  codeHash!: string;

  @Column({ name: 'client_id', type: 'varchar', length: 64 })
  clientId!: string;

  @Column({ name: 'redirect_uri', type: 'varchar', length: 2000 })
  redirectUri!: string;

  @Column({ name: 'code_challenge', type: 'varchar', length: 128 })
  codeChallenge!: string;

  @Column({ type: 'varchar', length: 512, nullable: true })
  nonce!: string | null;

  @Column({ type: 'varchar', length: 1000 })
  scope!: string;

  @Column({ type: 'varchar', length: 255 })
  subject!: string;

  @Column({ name: 'auth_time', type: 'bigint', transformer: epochMillis })
  authTime!: number;

  @Column({ type: 'simple-json' })
  amr!: string[];

  @Column({ type: 'simple-json' })
  claims!: ClaimSet;

  @Column({ name: 'session_id', type: 'varchar', length: 64 })
  sessionId!: string;

  @Index('idx_codes_expires_at')
  @Column({ name: 'expires_at', type: 'bigint', transformer: epochMillis })
  expiresAt!: number;

  @Column({ name: 'used_at', type: 'bigint', nullable: true, transformer: epochMillis })
  usedAt!: number | null;

  /** The grant the code was exchanged for: revoked if the code is replayed (RFC 6749 §4.1.2). */
  @Column({ name: 'grant_id', type: 'varchar', length: 64, nullable: true })
  grantId!: string | null;
}
