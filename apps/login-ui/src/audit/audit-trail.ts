import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { AUDIT_EVENTS_PER_REQUEST, AuditEventInput, AuditEventSubmission } from '@tessera/contracts';
import { WriteBehindLoss, WriteBehindQueue } from '@tessera/operations';
import { TokenServiceClient } from '../token-service/token-service.client';

/** The longest an event waits before it is sent. */
export const AUDIT_SEND_DELAY_MS = 200;
/** Events held at most while the token service is slow or away; beyond, new ones are dropped and counted. */
export const AUDIT_QUEUE_LIMIT = 10_000;

/**
 * The login UI's side of the audit trail, which the token service keeps (contracts audit.ts): sign-ins,
 * lockouts and changes to the user directory. `record` never waits and never throws — an audit
 * trail that is down must not stop anyone signing in. Events are stamped with the time they happened
 * and sent in batches of up to 100 (`POST /internal/v1/audit-events`) at most AUDIT_SEND_DELAY_MS
 * later; a failed batch is sent once more, and what is lost is counted (`losses()`,
 * tessera_audit_events_lost). What is queued is sent before the app stops.
 *
 * Name people by their `sub`, never by what they typed: see LoginFlow for why a failed sign-in of an
 * unknown account carries no name at all.
 *
 * @example
 * ```ts
 * this.audit.record({ type: 'user.disabled', actor: admin.sub, subject: user.id });
 * ```
 */
@Injectable()
export class AuditTrail implements BeforeApplicationShutdown {
  private readonly logger = new Logger('AuditTrail');
  private readonly queue: WriteBehindQueue<AuditEventSubmission>;

  constructor(tokenService: TokenServiceClient) {
    this.queue = new WriteBehindQueue<AuditEventSubmission>({
      write: (events) => tokenService.recordAuditEvents(events),
      batchSize: AUDIT_EVENTS_PER_REQUEST,
      delayMs: AUDIT_SEND_DELAY_MS,
      limit: AUDIT_QUEUE_LIMIT,
      retryDelayMs: 500,
      onRetry: (count, err) => this.logger.warn(`sending ${count} audit events failed (${failureName(err)}); retrying once`),
      onLoss: (reason, count, err) => this.logger.error(reason === 'buffer_full'
        ? `audit queue full (${AUDIT_QUEUE_LIMIT} events waiting for the token service): new events are dropped and counted`
        : `${count} audit events lost: sending failed twice (${failureName(err)})`),
    });
  }

  /** Queues one event that happens now. Never throws, never waits. */
  record(input: AuditEventInput): void {
    try {
      this.queue.push({ ...input, at: Date.now() });
    } catch (err) {
      this.logger.error(`audit event not recorded: ${failureName(err)}`);
    }
  }

  /** Sends everything queued so far; resolves once the token service has it (or it is counted as lost). */
  flush(): Promise<void> {
    return this.queue.flush();
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.flush();
  }

  /** Events lost since start, by reason. */
  losses(): { reason: WriteBehindLoss; count: number }[] {
    return this.queue.losses();
  }
}

// The client's errors name the call and the HTTP status, never the body or the credential.
function failureName(err: unknown): string {
  return err instanceof Error ? `${err.constructor.name}: ${err.message}` : typeof err;
}
