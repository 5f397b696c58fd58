import { booleanColumn, epochMillis } from '@tessera/database';
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { ProfileClaims } from './account-fields.rule';

@Entity('users')
@Index('UQ_users_username_key', ['usernameKey'], { unique: true })
@Index('UQ_users_email_key', ['emailKey'], { unique: true })
// The directory's lists (user.repository.ts): by name prefix, and enabled or disabled accounts by username.
@Index('IDX_users_name_key', ['nameKey', 'id'])
@Index('IDX_users_disabled_username_key', ['disabled', 'usernameKey'])
export class UserEntity {
  /** The `sub` claim: a UUID, never reassigned. */
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  /** As the person typed it, for display. */
  @Column({ type: 'varchar', length: 190 })
  username!: string;

  @Column({ name: 'username_key', type: 'varchar', length: 190 })
  usernameKey!: string;

  @Column({ type: 'varchar', length: 254, nullable: true })
  email!: string | null;

  @Column({ name: 'email_key', type: 'varchar', length: 254, nullable: true })
  emailKey!: string | null;

  @Column({ name: 'email_verified', ...booleanColumn })
  emailVerified!: boolean;

  @Column({ type: 'varchar', length: 200, nullable: true })
  name!: string | null;

  /** The name as it is searched for (loginKey): prefix search in the admin directory. */
  @Column({ name: 'name_key', type: 'varchar', length: 200, nullable: true })
  nameKey!: string | null;

  /** The other OIDC Core §5.1 profile claims, by their claim names (account-fields.rule.ts). */
  @Column({ type: 'simple-json', nullable: true })
  profile!: ProfileClaims | null;

  @Column({ name: 'password_hash', type: 'varchar', length: 255 })
  passwordHash!: string;

  @Column({ type: 'simple-json' })
  roles!: string[];

  @Column({ ...booleanColumn })
  disabled!: boolean;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMillis })
  createdAt!: number;

  @Column({ name: 'updated_at', type: 'bigint', transformer: epochMillis })
  updatedAt!: number;

  /** Sign-in attempts counted against the account since the last success or reset (lockout.rule.ts). */
  @Column({ name: 'failed_count', type: 'integer', default: 0 })
  failedCount!: number;

  @Column({ name: 'last_failure_at', type: 'bigint', nullable: true, transformer: epochMillis })
  lastFailureAt!: number | null;

  /** While in the future, no password is checked for this account. */
  @Column({ name: 'locked_until', type: 'bigint', nullable: true, transformer: epochMillis })
  lockedUntil!: number | null;
}
