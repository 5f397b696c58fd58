import { Injectable } from '@nestjs/common';
import { SubjectRevocation } from '@tessera/contracts';
import { AuditLog } from '../../audit/audit-log';
import { BackChannelLogout } from '../../logout/backchannel/backchannel-logout.service';
import { SsoSessionRepository } from '../../sessions/sso-session.repository';
import { StatusLists } from '../../status-list/status-lists.service';
import { TokenGrantRepository } from '../../token/token-grant.repository';
import { notFound } from '../admin-api-error';
import { SessionDirectory } from './session-directory.repository';

/**
 * Ends sessions from outside the browser, as a logout would (logout/logout-flow.service.ts): the
 * session first, then its grants (refresh tokens at once, access tokens through the status list),
 * then the back-channel logout of its clients, bounded by BACKCHANNEL_LOGOUT_WAIT.
 */
@Injectable()
export class SessionRevocation {
  constructor(
    private readonly sessions: SsoSessionRepository,
    private readonly directory: SessionDirectory,
    private readonly grants: TokenGrantRepository,
    private readonly statusLists: StatusLists,
    private readonly backChannel: BackChannelLogout,
    private readonly audit: AuditLog,
  ) {}

  /** One session by its id (`sid`); ending one that already ended only revokes what it still holds. */
  async endSession(sessionId: string, actor: string): Promise<void> {
    const session = await this.sessions.findById(sessionId);
    if (!session) throw notFound('session');
    const now = Date.now();
    await this.sessions.end(session.id, now);
    await this.statusLists.revokeSessionGrants(session.id, now);
    await this.backChannel.sessionsEnded([{ id: session.id, subject: session.subject }]);
    this.audit.record({ type: 'session.revoked', actor, subject: session.subject, sessionId: session.id });
  }

  /**
   * Everything a person holds (an administrator's "revoke all", a user disabled in the login UI): the
   * live sessions end, and every grant is revoked — also those of sessions that already ended or
   * expired, whose refresh tokens outlive them.
   */
  async revokeSubject(subject: string, actor: string): Promise<SubjectRevocation> {
    const now = Date.now();
    const live = await this.directory.liveOf(subject, now);
    for (const session of live) await this.sessions.end(session.id, now);
    const grantIds = await this.grants.activeIdsOf({ subject });
    await this.statusLists.revokeGrants(grantIds, now);
    await this.backChannel.sessionsEnded(live.map((session) => ({ id: session.id, subject: session.subject })));
    this.audit.record({ type: 'session.revoked', actor, subject, details: { sessions_ended: live.length, grants_revoked: grantIds.length } });
    return { sessions_ended: live.length, grants_revoked: grantIds.length };
  }
}
