import { epochMillis } from '@tessera/database';
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One Token Status List (draft-ietf-oauth-status-list §4): `size` entries of `bits` each, handed out
 * in blocks from `next_index`. `max_expires_at` bounds the expiry of every token that may hold one of
 * its indexes, so a full list whose bound has passed is retired: nothing it could say still matters.
 */
@Entity('status_lists')
export class StatusList {
  @PrimaryColumn({ type: 'varchar', length: 32 })
  id!: string;

  @Column({ type: 'integer' })
  bits!: number;

  @Column({ type: 'integer' })
  size!: number;

  @Column({ name: 'next_index', type: 'integer' })
  nextIndex!: number;

  @Index('idx_status_lists_created_at')
  @Column({ name: 'created_at', type: 'bigint', transformer: epochMillis })
  createdAt!: number;

  @Column({ name: 'max_expires_at', type: 'bigint', transformer: epochMillis })
  maxExpiresAt!: number;
}
