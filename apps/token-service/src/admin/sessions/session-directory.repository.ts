import { Inject, Injectable } from '@nestjs/common';
import { DataSource, In, IsNull, MoreThan, Repository } from 'typeorm';
import { SsoSession } from '../../sessions/sso-session.entity';
import { TokenGrant } from '../../token/token-grant.entity';

/** Whose sessions to list: one person's, or those in which one client obtained tokens. */
export type SessionOwner = { subject: string } | { clientId: string };

/**
 * The SSO sessions as the admin API reads them: newest first by (created_at, id), for a person
 * (idx_sessions_subject) or a client (its grants, idx_grants_client), with the clients of each.
 */
@Injectable()
export class SessionDirectory {
  private readonly sessions: Repository<SsoSession>;
  private readonly grants: Repository<TokenGrant>;

  constructor(@Inject(DataSource) dataSource: DataSource) {
    this.sessions = dataSource.getRepository(SsoSession);
    this.grants = dataSource.getRepository(TokenGrant);
  }

  list(owner: SessionOwner, options: { after?: [number, string]; limit: number }): Promise<SsoSession[]> {
    const query = this.sessions.createQueryBuilder('s');
    if ('subject' in owner) {
      query.where('s.subject = :subject', { subject: owner.subject });
    } else {
      query.where('s.id IN (SELECT g.session_id FROM token_grants g WHERE g.client_id = :clientId)', { clientId: owner.clientId });
    }
    if (options.after) {
      const [createdAt, id] = options.after;
      query.andWhere('(s.created_at < :createdAt OR (s.created_at = :createdAt AND s.id < :id))', { createdAt, id });
    }
    return query.orderBy('s.created_at', 'DESC').addOrderBy('s.id', 'DESC').limit(options.limit).getMany();
  }

  /** The clients that obtained tokens in each of `sessionIds`, revoked grants included (idx_grants_session). */
  async clientsOf(sessionIds: string[]): Promise<Map<string, string[]>> {
    const clients = new Map(sessionIds.map((id) => [id, [] as string[]]));
    if (sessionIds.length === 0) return clients;
    const rows = await this.grants.createQueryBuilder('g').select('g.session_id', 'sessionId').addSelect('g.client_id', 'clientId')
      .distinct(true).where({ sessionId: In(sessionIds) }).orderBy('g.client_id', 'ASC').getRawMany<{ sessionId: string; clientId: string }>();
    for (const row of rows) clients.get(row.sessionId)?.push(row.clientId);
    return clients;
  }

  /** A person's sessions that have neither ended nor expired. */
  liveOf(subject: string, now: number): Promise<SsoSession[]> {
    return this.sessions.findBy({ subject, endedAt: IsNull(), expiresAt: MoreThan(now) });
  }
}
