import { Injectable } from '@nestjs/common';
import { AdminSession, Page, SubjectRevocation } from '@tessera/contracts';
import { SsoSession } from '../../sessions/sso-session.entity';
import { bodyObject, decodeCursor, pageOf, Problems, readListQuery, refuseUnknown } from '../admin-input.rule';
import { SessionDirectory, SessionOwner } from './session-directory.repository';
import { SessionRevocation } from './session-revocation.service';
import { isSubject } from './subject.rule';

/** The sessions resource of the admin API (contracts AdminSession). */
@Injectable()
export class AdminSessions {
  constructor(private readonly directory: SessionDirectory, private readonly revocation: SessionRevocation) {}

  /** `?subject=` or `?client_id=` (exactly one), `limit`, `cursor`; newest first. */
  async list(query: unknown): Promise<Page<AdminSession>> {
    const { values, page, problems } = readListQuery(query, ['subject', 'client_id']);
    const owner = sessionOwner(values, problems);
    problems.check();
    const after = page.cursor === undefined ? undefined : decodeCursor<[number, string]>(page.cursor, ['number', 'string']);
    const rows = await this.directory.list(owner!, { after, limit: page.limit + 1 });
    const clients = await this.directory.clientsOf(rows.slice(0, page.limit).map((s) => s.id));
    const now = Date.now();
    return pageOf(rows, page.limit, (session) => view(session, clients.get(session.id) ?? [], now), (s) => [s.createdAt, s.id]);
  }

  endSession(sessionId: string, actor: string): Promise<void> {
    return this.revocation.endSession(sessionId, actor);
  }

  /** `{ "subject": sub }`: every session and grant of the person. */
  revokeSubject(body: unknown, actor: string): Promise<SubjectRevocation> {
    const input = bodyObject(body);
    const problems = new Problems();
    refuseUnknown(input, ['subject'], problems);
    if (!isSubject(input.subject)) problems.add('subject', 'must be a subject (sub) of 1 to 255 characters');
    problems.check();
    return this.revocation.revokeSubject(input.subject as string, actor);
  }
}

function sessionOwner(values: { subject?: string; client_id?: string }, problems: Problems): SessionOwner | undefined {
  if ((values.subject === undefined) === (values.client_id === undefined)) {
    problems.add(values.subject === undefined ? 'subject' : 'client_id', 'give exactly one of subject and client_id');
    return undefined;
  }
  if (values.subject !== undefined) return { subject: values.subject };
  return { clientId: values.client_id! };
}

function view(session: SsoSession, clientIds: string[], now: number): AdminSession {
  return {
    id: session.id,
    subject: session.subject,
    state: session.endedAt !== null ? 'ended' : session.expiresAt <= now ? 'expired' : 'active',
    client_ids: clientIds,
    amr: session.amr,
    remember: session.remember,
    auth_time: session.authTime,
    created_at: session.createdAt,
    expires_at: session.expiresAt,
    ended_at: session.endedAt,
  };
}
