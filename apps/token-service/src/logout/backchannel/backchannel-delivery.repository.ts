import { DataSource, In, LessThanOrEqual, Repository } from 'typeorm';
import { Client } from '../../clients/client.entity';
import { newOpaqueToken } from '../../crypto/opaque-token';
import { TokenGrant } from '../../token/token-grant.entity';
import { BackchannelDelivery } from './backchannel-delivery.entity';

/** A client owed a logout token because it obtained tokens in a session that ended. */
export interface Recipient {
  sessionId: string;
  clientId: string;
}

/**
 * The back-channel deliveries. Several instances share them: an attempt is made only by the
 * instance whose conditional UPDATE claimed it (`claim`), and its result is recorded only by that
 * instance (`recordDelivered`, `recordFailed` match the claimed attempt number).
 */
export class BackchannelDeliveryRepository {
  private readonly deliveries: Repository<BackchannelDelivery>;

  constructor(private readonly dataSource: DataSource) {
    this.deliveries = dataSource.getRepository(BackchannelDelivery);
  }

  /**
   * Every client that obtained tokens in one of `sessionIds` (Back-Channel Logout §2.3: the OP
   * remembers the RPs of a session) and registered a back-channel logout URI, once per session.
   * Revoked grants count too: the partner's own session may outlive the tokens.
   */
  async recipientsOf(sessionIds: string[]): Promise<Recipient[]> {
    if (sessionIds.length === 0) return [];
    return this.dataSource.getRepository(TokenGrant).createQueryBuilder('tokenGrant')
      .innerJoin(Client, 'client', 'client.clientId = tokenGrant.clientId')
      .select('tokenGrant.sessionId', 'sessionId')
      .addSelect('tokenGrant.clientId', 'clientId')
      .distinct(true)
      .where({ sessionId: In(sessionIds) })
      .andWhere('client.backchannelLogoutUri IS NOT NULL')
      .getRawMany<Recipient>();
  }

  /**
   * Records what is owed, not yet due for the retry timers (`claimableFrom`): the caller makes the
   * first attempts itself. A delivery already recorded for the same session and client stays as it
   * is, so a session reported ended twice is announced once.
   */
  async recordOwed(owed: (Recipient & { subject: string })[], now: number, claimableFrom: number): Promise<void> {
    if (owed.length === 0) return;
    await this.deliveries.createQueryBuilder().insert().orIgnore().values(owed.map((delivery) => ({
      ...delivery,
      id: newOpaqueToken(16),
      status: 'pending' as const,
      attempts: 0,
      lastError: null,
      nextAttemptAt: claimableFrom,
      createdAt: now,
      deliveredAt: null,
    }))).execute();
  }

  /** The deliveries of these sessions that nobody has attempted yet. */
  findUnattempted(sessionIds: string[]): Promise<BackchannelDelivery[]> {
    return this.deliveries.findBy({ sessionId: In(sessionIds), status: 'pending', attempts: 0 });
  }

  /** Pending deliveries whose next attempt is due, the longest waiting first. */
  findDue(now: number, limit: number): Promise<BackchannelDelivery[]> {
    return this.deliveries.find({ where: { status: 'pending', nextAttemptAt: LessThanOrEqual(now) }, order: { nextAttemptAt: 'ASC' }, take: limit });
  }

  /**
   * Claims the next attempt of `delivery` as it was read: true for exactly one caller across every
   * instance. Until `leaseUntil` no timer takes it; past that, an attempt never recorded (its
   * instance died) is taken over. `dueBy`: only if the attempt is due by then (the timers' case).
   */
  async claim(delivery: BackchannelDelivery, leaseUntil: number, dueBy?: number): Promise<boolean> {
    const result = await this.deliveries.update({
      id: delivery.id,
      status: 'pending',
      attempts: delivery.attempts,
      ...(dueBy !== undefined && { nextAttemptAt: LessThanOrEqual(dueBy) }),
    }, { attempts: delivery.attempts + 1, nextAttemptAt: leaseUntil });
    return (result.affected ?? 0) === 1;
  }

  async recordDelivered(id: string, attempt: number, now: number): Promise<void> {
    await this.deliveries.update({ id, status: 'pending', attempts: attempt }, { status: 'delivered', deliveredAt: now, lastError: null });
  }

  /** A failed attempt: retried at `nextAttemptAt`, or given up when that is null. */
  async recordFailed(id: string, attempt: number, error: string, nextAttemptAt: number | null): Promise<void> {
    await this.deliveries.update(
      { id, status: 'pending', attempts: attempt },
      nextAttemptAt === null ? { status: 'failed', lastError: error.slice(0, 200) } : { lastError: error.slice(0, 200), nextAttemptAt },
    );
  }
}
