import { epochMillis } from '@tessera/database';
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One line of the audit trail. Append-only: written by AuditLog, never updated or deleted here.
 * Every list the admin API serves is newest first by (at, id), alone or after an equality filter,
 * so each filter has its index ending in (at, id).
 */
@Entity('audit_events')
@Index('idx_audit_events_at', ['at', 'id'])
@Index('idx_audit_events_subject', ['subject', 'at', 'id'])
@Index('idx_audit_events_client', ['clientId', 'at', 'id'])
@Index('idx_audit_events_type', ['type', 'at', 'id'])
@Index('idx_audit_events_actor', ['actor', 'at', 'id'])
export class AuditEventRow {
  /** Time-ordered (see auditEventId), so (at, id) is a total order for keyset pagination. */
  @PrimaryColumn({ type: 'varchar', length: 32 })
  id!: string;

  @Column({ type: 'bigint', transformer: epochMillis })
  at!: number;

  @Column({ type: 'varchar', length: 64 })
  type!: string;

  @Column({ type: 'varchar', length: 255, nullable: true })
  actor!: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  subject!: string | null;

  @Column({ name: 'client_id', type: 'varchar', length: 64, nullable: true })
  clientId!: string | null;

  @Column({ name: 'session_id', type: 'varchar', length: 64, nullable: true })
  sessionId!: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  ip!: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  reason!: string | null;

  /** AuditEventInput.details as JSON (scalars only). */
  @Column({ type: 'text', nullable: true })
  details!: string | null;
}
