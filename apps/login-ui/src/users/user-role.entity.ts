import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * Who holds which role, ordered by username: the index behind the directory's `?role=` list.
 * users.roles stays the copy read with the account (sign-in, claims); both are written in one
 * transaction (UserRepository), and usernames never change, so the order key never goes stale.
 */
@Entity('user_roles')
@Index('IDX_user_roles_user_id', ['userId'])
export class UserRoleEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  role!: string;

  @PrimaryColumn({ name: 'username_key', type: 'varchar', length: 190 })
  usernameKey!: string;

  @Column({ name: 'user_id', type: 'varchar', length: 36 })
  userId!: string;
}
