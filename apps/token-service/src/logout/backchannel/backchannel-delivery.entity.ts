import { epochMillis } from '@tessera/database';
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

/**
 * One logout token owed to one client for one ended SSO session (OIDC Back-Channel Logout 1.0
 * §2.5). Kept in the database so that any instance can make the next attempt: `attempts` counts
 * the attempts claimed so far, and `next_attempt_at` is when the next one is due — or, while an
 * attempt runs, when it is given up for lost (the instance that claimed it died).
 */
@Entity('backchannel_deliveries')
@Index('idx_backchannel_session_client', ['sessionId', 'clientId'], { unique: true })
@Index('idx_backchannel_due', ['status', 'nextAttemptAt'])
export class BackchannelDelivery {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id!: string;

  @Column({ name: 'session_id', type: 'varchar', length: 64 })
  sessionId!: string;

  @Column({ name: 'client_id', type: 'varchar', length: 64 })
  clientId!: string;

  /** The `sub` of the logout token. */
  @Column({ type: 'varchar', length: 255 })
  subject!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: DeliveryStatus;

  @Column({ type: 'integer' })
  attempts!: number;

  /** Why the last attempt failed, in a few words: a status code or an error code, never a URL or a body. */
  @Column({ name: 'last_error', type: 'varchar', length: 200, nullable: true })
  lastError!: string | null;

  @Column({ name: 'next_attempt_at', type: 'bigint', transformer: epochMillis })
  nextAttemptAt!: number;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMillis })
  createdAt!: number;

  @Column({ name: 'delivered_at', type: 'bigint', nullable: true, transformer: epochMillis })
  deliveredAt!: number | null;
}
