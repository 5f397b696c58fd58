import { epochMillis } from '@tessera/database';
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** An RP-initiated logout waiting for the person to confirm it on the login UI. */
@Entity('logout_requests')
export class LogoutRequest {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id!: string;

  @Index('idx_logout_challenge', { unique: true })
  @Column({ name: 'challenge_hash', type: 'varchar', length: 64 })
  challengeHash!: string;

  @Index('idx_logout_verifier', { unique: true })
  @Column({ name: 'verifier_hash', type: 'varchar', length: 64, nullable: true })
  verifierHash!: string | null;

  @Column({ name: 'browser_hash', type: 'varchar', length: 64 })
  browserHash!: string;

  @Column({ name: 'session_id', type: 'varchar', length: 64, nullable: true })
  sessionId!: string | null;

  @Column({ name: 'client_id', type: 'varchar', length: 64, nullable: true })
  clientId!: string | null;

  @Column({ name: 'post_logout_redirect_uri', type: 'varchar', length: 2000, nullable: true })
  postLogoutRedirectUri!: string | null;

  @Column({ name: 'oauth_state', type: 'varchar', length: 1024, nullable: true })
  oauthState!: string | null;

  @Column({ type: 'varchar', length: 16 })
  status!: 'pending' | 'accepted' | 'done';

  @Index('idx_logout_expires_at')
  @Column({ name: 'expires_at', type: 'bigint', transformer: epochMillis })
  expiresAt!: number;
}
