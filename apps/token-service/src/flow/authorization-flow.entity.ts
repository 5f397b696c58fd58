import type { ClaimSet } from '../claims/claims.rule';
import { booleanColumn, epochMillis } from '@tessera/database';
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One sign-in in progress, from the authorization request to the code. Its state machine:
 *
 *   login ──accept──→ login_accepted ──browser returns──→ consent ──accept──→ consent_accepted ──browser returns──→ done
 *     └──reject──→ rejected                                  └──reject──→ rejected
 *
 * A usable SSO session starts a flow in `consent` directly. Challenges (for the login UI) and
 * verifiers (for the browser's return) are stored only as hashes; a verifier is honoured only from
 * the browser that started the flow (its `tessera_ua` cookie hash is `browserHash`).
 */
export type FlowState = 'login' | 'login_accepted' | 'consent' | 'consent_accepted' | 'done' | 'rejected';

@Entity('authorization_flows')
export class AuthorizationFlow {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id!: string;

  @Column({ type: 'varchar', length: 24 })
  state!: FlowState;

  @Index('idx_flows_login_challenge', { unique: true })
  @Column({ name: 'login_challenge_hash', type: 'varchar', length: 64, nullable: true })
  loginChallengeHash!: string | null;

  @Index('idx_flows_login_verifier', { unique: true })
  @Column({ name: 'login_verifier_hash', type: 'varchar', length: 64, nullable: true })
  loginVerifierHash!: string | null;

  @Index('idx_flows_consent_challenge', { unique: true })
  @Column({ name: 'consent_challenge_hash', type: 'varchar', length: 64, nullable: true })
  consentChallengeHash!: string | null;

  @Index('idx_flows_consent_verifier', { unique: true })
  @Column({ name: 'consent_verifier_hash', type: 'varchar', length: 64, nullable: true })
  consentVerifierHash!: string | null;

  @Column({ name: 'browser_hash', type: 'varchar', length: 64 })
  browserHash!: string;

  @Column({ name: 'client_id', type: 'varchar', length: 64 })
  clientId!: string;

  @Column({ name: 'redirect_uri', type: 'varchar', length: 2000 })
  redirectUri!: string;

  @Column({ type: 'varchar', length: 1000 })
  scope!: string;

  @Column({ name: 'oauth_state', type: 'varchar', length: 1024, nullable: true })
  oauthState!: string | null;

  @Column({ type: 'varchar', length: 512, nullable: true })
  nonce!: string | null;

  @Column({ name: 'code_challenge', type: 'varchar', length: 128 })
  codeChallenge!: string;

  @Column({ type: 'varchar', length: 64, nullable: true })
  prompt!: string | null;

  @Column({ name: 'max_age', type: 'integer', nullable: true })
  maxAge!: number | null;

  @Column({ name: 'login_hint', type: 'varchar', length: 255, nullable: true })
  loginHint!: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  subject!: string | null;

  @Column({ name: 'auth_time', type: 'bigint', nullable: true, transformer: epochMillis })
  authTime!: number | null;

  @Column({ type: 'simple-json', nullable: true })
  amr!: string[] | null;

  @Column({ type: 'simple-json', nullable: true })
  claims!: ClaimSet | null;

  @Column({ nullable: true, ...booleanColumn })
  remember!: boolean | null;

  @Column({ name: 'session_id', type: 'varchar', length: 64, nullable: true })
  sessionId!: string | null;

  @Column({ name: 'granted_scope', type: 'varchar', length: 1000, nullable: true })
  grantedScope!: string | null;

  @Column({ name: 'remember_consent', nullable: true, ...booleanColumn })
  rememberConsent!: boolean | null;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMillis })
  createdAt!: number;

  @Index('idx_flows_expires_at')
  @Column({ name: 'expires_at', type: 'bigint', transformer: epochMillis })
  expiresAt!: number;
}
