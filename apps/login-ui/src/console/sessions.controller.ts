import { Get, Inject, Param, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import type { AdminSession, AdminUser, Page, SubjectRevocation } from '@tessera/contracts';
import type { Request, Response } from 'express';
import { CsrfGuard } from '../security/csrf.guard';
import { AdminApiClient } from './admin-api.client';
import { Admin } from './console-auth.guard';
import { ConsoleController } from './console-controller.decorator';
import { AdminApiPageError } from './console-errors';
import { checkboxField, FormBody, textField } from './console-form.rule';
import { pageUrlsOf } from './console-paging';
import type { ConsoleSession } from './console-session';
import { ConsoleView } from './console-view';

/** Whose sessions a page shows: a person's (`subject`) or those in which a client obtained tokens. */
type Owner = { subject: string } | { client_id: string };

/**
 * The sessions page: the SSO sessions of one person or of one client, newest first, each with the
 * clients that obtained tokens in it; ending one, or every session of a person. Active sessions
 * only, unless `all` asks for the ended and expired ones too.
 */
@ConsoleController('/sessions')
export class SessionsController {
  constructor(@Inject(AdminApiClient) private readonly api: AdminApiClient, @Inject(ConsoleView) private readonly view: ConsoleView) {}

  @Get()
  async list(@Admin() admin: ConsoleSession, @Query() query: FormBody, @Req() req: Request, @Res() res: Response): Promise<void> {
    const owner = ownerOf(query);
    const all = checkboxField(query, 'all');
    const common = { title: 'Sessions', section: 'sessions' as const, subject: textField(query, 'subject').trim(), clientId: textField(query, 'client_id').trim(), all };
    if (!owner) {
      await this.view.render(req, res, 'sessions/list', common);
      return;
    }
    const [page, person] = await Promise.all([
      this.api.get<Page<AdminSession>>(admin, '/sessions', { ...owner, cursor: textField(query, 'cursor') }),
      'subject' in owner ? this.person(admin, owner.subject) : undefined,
    ]);
    const sessions = all ? page.items : page.items.filter((session) => session.state === 'active');
    const { next, first } = pageUrlsOf(req, page.next_cursor);
    // The actions come back to this list, as it is filtered now.
    const back = new URLSearchParams(listPath(owner, all).query);
    await this.view.render(req, res, 'sessions/list', {
      ...common,
      owner,
      bySubject: 'subject' in owner,
      person,
      sessions: sessions.map((session) => ({ ...session, revokeAction: `/admin/sessions/${encodeURIComponent(session.id)}/revoke?${back}` })),
      hidden: page.items.length - sessions.length,
      // Offered while the person has an active session (the newest come first).
      revokeAllAction: 'subject' in owner && page.items.some((session) => session.state === 'active')
        ? `/admin/sessions/revoke?${back}` : undefined,
      revokeAllQuestion: 'subject' in owner ? `End every session of ${person?.username ?? owner.subject} and revoke every token they hold? They have to sign in again everywhere.` : undefined,
      showAllHref: listPath(owner, true).href,
      activeOnlyHref: listPath(owner, false).href,
      nextUrl: next,
      firstUrl: first,
    });
  }

  @Post('revoke')
  @UseGuards(CsrfGuard)
  async revokeSubject(@Admin() admin: ConsoleSession, @Query() query: FormBody, @Res() res: Response): Promise<void> {
    const owner = ownerOf(query);
    if (!owner || !('subject' in owner)) {
      await this.view.redirect(res, '/admin/sessions', { kind: 'error', text: 'Choose a user first.' });
      return;
    }
    const result = await this.api.post<SubjectRevocation>(admin, '/sessions/revoke', { subject: owner.subject });
    await this.view.redirect(res, listPath(owner, checkboxField(query, 'all')).href, {
      kind: 'success',
      text: `Ended ${count(result.sessions_ended, 'session')}; ${count(result.grants_revoked, 'grant')} and the tokens issued under them revoked.`,
    });
  }

  @Post(':sessionId/revoke')
  @UseGuards(CsrfGuard)
  async revoke(@Admin() admin: ConsoleSession, @Param('sessionId') sessionId: string, @Query() query: FormBody, @Res() res: Response): Promise<void> {
    await this.api.delete(admin, `/sessions/${encodeURIComponent(sessionId)}`);
    const owner = ownerOf(query);
    await this.view.redirect(res, owner ? listPath(owner, checkboxField(query, 'all')).href : '/admin/sessions', {
      kind: 'success',
      text: 'Session ended; the tokens issued in it are revoked.',
    });
  }

  /** The person the sessions belong to, for the heading; a subject the directory does not know is shown as it is. */
  private async person(admin: ConsoleSession, subject: string): Promise<AdminUser | undefined> {
    try {
      return await this.api.get<AdminUser>(admin, `/users/${encodeURIComponent(subject)}`, {}, 'login-ui');
    } catch (err) {
      if (err instanceof AdminApiPageError && (err.status === 404 || err.status === 400)) return undefined;
      throw err;
    }
  }
}

/** `?subject=` or `?client_id=`; a subject wins when both are given (one filter form each, so only a hand-made URL has both). */
function ownerOf(query: FormBody): Owner | undefined {
  const subject = textField(query, 'subject').trim();
  if (subject !== '') return { subject };
  const clientId = textField(query, 'client_id').trim();
  return clientId !== '' ? { client_id: clientId } : undefined;
}

function listPath(owner: Owner, all: boolean): { href: string; query: Record<string, string> } {
  const query: Record<string, string> = { ...owner, ...(all ? { all: 'on' } : {}) };
  return { href: `/admin/sessions?${new URLSearchParams(query)}`, query };
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
