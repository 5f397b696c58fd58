import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { describeDatabaseFailure } from '@tessera/database';
import { DataSource } from 'typeorm';
import { AuditLog } from '../../audit/audit-log';
import { ClientRepository } from '../../clients/client.repository';
import { TOKEN_SERVICE_CONFIG, TokenServiceConfig } from '../../config/token-service.config';
import { newOpaqueToken } from '../../crypto/opaque-token';
import { SigningKeys } from '../../keys/signing-keys.service';
import { BackchannelDelivery } from './backchannel-delivery.entity';
import { BackchannelDeliveryRepository } from './backchannel-delivery.repository';
import { nextAttemptAfterFailure } from './delivery-backoff.rule';
import { LOGOUT_TOKEN_TYP, logoutTokenClaims } from './logout-token.rule';
import { DELIVERY_TIMEOUT_MS, postLogoutToken } from './logout-token-sender';

/** How often each instance looks for retries that are due. */
export const RETRY_POLL_MS = 1_000;
/**
 * A claimed attempt that has not recorded its result this long after it started is taken over by
 * another instance: well past DELIVERY_TIMEOUT_MS, so only an instance that died is overtaken.
 */
const ATTEMPT_LEASE_MS = DELIVERY_TIMEOUT_MS + 25_000;
/** Requests to receivers at once, per batch: an admin ending hundreds of sessions sends no flood. */
const ATTEMPTS_AT_ONCE = 16;

/** An SSO session that has just ended, and whose it was. */
export interface EndedSession {
  id: string;
  subject: string;
}

/**
 * OIDC Back-Channel Logout 1.0, the OP's side: when SSO sessions end, every client that obtained
 * tokens in them and registered a `backchannel_logout_uri` is sent a signed logout token (§2.5).
 *
 * Each delivery is a database row (backchannel_deliveries), so that it survives the instance that
 * started it: the first attempt is made at once by the caller's instance; a failed one is retried
 * with exponential backoff (delivery-backoff.rule.ts) by whichever instance's timer claims it first,
 * with a freshly signed token each time.
 */
@Injectable()
export class BackChannelLogout implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('BackChannelLogout');
  private readonly repository: BackchannelDeliveryRepository;
  /** Fired when the app stops: attempts under way end at once and are recorded as failed, to be retried elsewhere. */
  private readonly stopping = new AbortController();
  private readonly running = new Set<Promise<void>>();
  private timer?: NodeJS.Timeout;
  private polling = false;

  constructor(
    @Inject(TOKEN_SERVICE_CONFIG) private readonly config: TokenServiceConfig,
    private readonly keys: SigningKeys,
    private readonly clients: ClientRepository,
    private readonly audit: AuditLog,
    @Inject(DataSource) dataSource: DataSource,
  ) {
    this.repository = new BackchannelDeliveryRepository(dataSource);
  }

  onModuleInit(): void {
    this.timer = setInterval(() => void this.retryDue(), RETRY_POLL_MS);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    this.stopping.abort();
    await Promise.allSettled([...this.running]);
  }

  /**
   * Tells the clients of `sessions` that these sessions ended: records one delivery per client and
   * session, and makes the first attempts. Resolves when they have all been answered (or failed),
   * or after `waitMs` (default BACKCHANNEL_LOGOUT_WAIT) — whichever comes first; what is still
   * running then goes on in the background, and failures are retried later. A session reported
   * ended twice is announced once. Throws only when the deliveries could not be recorded.
   *
   * Call it after the sessions were ended and their grants revoked, so that a partner that reacts
   * to the logout token by checking with us finds them ended.
   *
   * @example
   * ```ts
   * await sessions.end(session.id, now);
   * await statusLists.revokeSessionGrants(session.id, now);
   * await backChannelLogout.sessionsEnded([{ id: session.id, subject: session.subject }]);
   * ```
   */
  async sessionsEnded(sessions: EndedSession[], options: { waitMs?: number } = {}): Promise<void> {
    const subjects = new Map(sessions.map((session) => [session.id, session.subject]));
    const recipients = await this.repository.recipientsOf([...subjects.keys()]);
    if (recipients.length === 0) return;
    const now = Date.now();
    await this.repository.recordOwed(recipients.map((r) => ({ ...r, subject: subjects.get(r.sessionId)! })), now, now + ATTEMPT_LEASE_MS);
    const owed = await this.repository.findUnattempted([...new Set(recipients.map((r) => r.sessionId))]);
    await settledWithin(this.attemptAll(owed), options.waitMs ?? this.config.backchannelLogoutWait * 1000);
  }

  /** One round of the retry timer: the attempts that are due now, on every instance alike. */
  private async retryDue(): Promise<void> {
    if (this.polling || this.stopping.signal.aborted) return;
    this.polling = true;
    try {
      const now = Date.now();
      await this.attemptAll(await this.repository.findDue(now, ATTEMPTS_AT_ONCE), now);
    } catch (err) {
      this.logger.error(`looking for back-channel logout retries failed: ${describeDatabaseFailure(err)}`);
    } finally {
      this.polling = false;
    }
  }

  /** Attempts `deliveries`, ATTEMPTS_AT_ONCE at a time; never rejects. Tracked, so that stopping waits for it. */
  private attemptAll(deliveries: BackchannelDelivery[], dueBy?: number): Promise<void> {
    const queue = [...deliveries];
    const worker = async (): Promise<void> => {
      for (let delivery = queue.shift(); delivery; delivery = queue.shift()) {
        const { clientId } = delivery;
        await this.attempt(delivery, dueBy).catch((err: unknown) => {
          this.logger.error(`back-channel logout to client ${clientId}: the attempt could not be made or recorded (${describeDatabaseFailure(err)})`);
        });
      }
    };
    const all = Promise.all(Array.from({ length: Math.min(ATTEMPTS_AT_ONCE, queue.length) }, worker)).then(() => undefined);
    this.running.add(all);
    void all.finally(() => this.running.delete(all));
    return all;
  }

  /** Makes the next attempt of `delivery` if this instance wins the claim, and records how it went. */
  private async attempt(delivery: BackchannelDelivery, dueBy?: number): Promise<void> {
    if (!(await this.repository.claim(delivery, Date.now() + ATTEMPT_LEASE_MS, dueBy))) return;
    const attempt = delivery.attempts + 1;
    const { id, clientId, sessionId, subject } = delivery;
    // Read now, not when the session ended: a client that changed its URI meanwhile is reached at the new one.
    const uri = (await this.clients.findById(clientId))?.backchannelLogoutUri;
    const outcome = uri
      ? await postLogoutToken(uri, await this.logoutToken(delivery), { abandon: this.stopping.signal })
      : { delivered: false as const, error: 'the client has no back-channel logout URI any more' };
    const now = Date.now();
    if (outcome.delivered) {
      await this.repository.recordDelivered(id, attempt, now);
      this.audit.record({ type: 'backchannel_logout.delivered', actor: 'system', subject, clientId, sessionId, details: { attempts: attempt } }, now);
      return;
    }
    const next = uri ? nextAttemptAfterFailure(attempt, now) : null;
    await this.repository.recordFailed(id, attempt, outcome.error, next);
    if (next !== null) return;
    this.logger.warn(`back-channel logout to client ${clientId} given up after ${attempt} attempt(s): ${outcome.error}`);
    this.audit.record({
      type: 'backchannel_logout.failed', actor: 'system', subject, clientId, sessionId,
      reason: uri ? 'gave_up' : 'no_uri', details: { attempts: attempt, error: outcome.error },
    }, now);
  }

  /** A fresh token for every attempt: a retry an hour later must not carry an expired one. */
  private logoutToken(delivery: BackchannelDelivery): Promise<string> {
    const claims = logoutTokenClaims({
      issuer: this.config.issuer, clientId: delivery.clientId, subject: delivery.subject, sessionId: delivery.sessionId,
      jti: newOpaqueToken(16), now: Date.now(),
    });
    return this.keys.sign(claims, LOGOUT_TOKEN_TYP);
  }
}

/** Resolves when `work` does or after `ms`, whichever is first; `work` itself goes on. */
function settledWithin(work: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  return Promise.race([work, bound]).finally(() => clearTimeout(timer));
}
