import { epochMillis } from '@tessera/database';
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** A remembered "Allow": the same client asking for no more than `scope` skips the consent page. */
@Entity('consent_grants')
@Index('idx_consent_subject_client', ['subject', 'clientId'], { unique: true })
export class ConsentGrant {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id!: string;

  @Column({ type: 'varchar', length: 255 })
  subject!: string;

  @Column({ name: 'client_id', type: 'varchar', length: 64 })
  clientId!: string;

  @Column({ type: 'varchar', length: 1000 })
  scope!: string;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMillis })
  createdAt!: number;
}
