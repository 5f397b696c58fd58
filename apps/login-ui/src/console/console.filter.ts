import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Inject, Injectable, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { CsrfRejected } from '../security/csrf.service';
import { MalformedForm } from '../security/single-valued-form';
import { AdminApiPageError, ConsoleSessionEnded, ConsoleSignInFailed, NotAnAdmin, SignInRequired } from './console-errors';
import { ConsoleSessions } from './console-session';
import { ConsoleSignIn } from './console-sign-in';
import { ConsoleView } from './console-view';
import { returnTo } from './return-to.rule';

const RETRY_AFTER_SECONDS = 5;

/** What the console's error page says. */
interface ConsoleErrorPage {
  status: number;
  headline: string;
  detail: string;
  /** Offer to sign in again (the session or the sign-in is the problem). */
  signIn?: boolean;
}

/**
 * Whatever a console route throws becomes a page of the console: a sign-in when nobody is signed
 * in or the admin API stopped accepting the session, the 403 page for a person without the admin
 * role, and otherwise the error page with the status and the admin API's own message.
 */
@Catch()
@Injectable()
export class ConsoleFilter implements ExceptionFilter {
  private readonly logger = new Logger('Console');

  constructor(
    @Inject(ConsoleView) private readonly view: ConsoleView,
    @Inject(ConsoleSignIn) private readonly signIn: ConsoleSignIn,
    @Inject(ConsoleSessions) private readonly sessions: ConsoleSessions,
  ) {}

  async catch(err: unknown, host: ArgumentsHost): Promise<void> {
    const req = host.switchToHttp().getRequest<Request>();
    const res = host.switchToHttp().getResponse<Response>();
    if (res.headersSent) return;
    try {
      await this.answer(err, req, res);
    } catch (failure) {
      // Starting a sign-in can fail too (Tessera unreachable): that is a page, not a crash.
      if (!res.headersSent) await this.errorPage(req, res, this.pageFor(failure));
    }
  }

  private async answer(err: unknown, req: Request, res: Response): Promise<void> {
    if (err instanceof SignInRequired) {
      res.redirect(303, await this.signIn.start(res, err.returnTo));
      return;
    }
    if (err instanceof ConsoleSessionEnded) {
      this.sessions.end(res);
      res.redirect(303, await this.signIn.start(res, returnTo(req.method, req.originalUrl)));
      return;
    }
    if (err instanceof NotAnAdmin) {
      await this.view.render(req, res, 'forbidden', { title: 'Administrators only', name: err.person }, 403);
      return;
    }
    await this.errorPage(req, res, this.pageFor(err));
  }

  private async errorPage(req: Request, res: Response, page: ConsoleErrorPage): Promise<void> {
    // RFC 9110 §10.2.3: a 503 says when to come back.
    if (page.status === 503) res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
    await this.view.render(req, res, 'error', { title: page.headline, page }, page.status);
  }

  private pageFor(err: unknown): ConsoleErrorPage {
    if (err instanceof AdminApiPageError) return { status: err.status, headline: headlineFor(err.status), detail: err.body.message };
    if (err instanceof ConsoleSignInFailed) return { status: err.status, headline: 'Signing in to the console failed', detail: err.detail, signIn: true };
    if (err instanceof CsrfRejected) {
      return { status: 403, headline: 'This form has expired', detail: 'For your security the form could not be accepted. Go back, reload the page and try again.' };
    }
    if (err instanceof MalformedForm) return { status: 400, headline: 'The request could not be understood', detail: 'A field of the form was sent more than once.' };
    if (err instanceof HttpException && err.getStatus() < 500) {
      return { status: err.getStatus(), headline: err.getStatus() === 404 ? 'Page not found' : 'The request could not be understood', detail: 'Check the address, or go back to the dashboard.' };
    }
    this.logger.error(err instanceof Error ? err.stack ?? err.message : String(err));
    return { status: 500, headline: 'Something went wrong on our side', detail: 'Please try again in a moment.' };
  }
}

function headlineFor(status: number): string {
  if (status === 404) return 'Not found';
  if (status === 403) return 'Not allowed';
  if (status === 409) return 'That cannot be done now';
  if (status === 503) return 'Tessera is temporarily unavailable';
  if (status >= 500) return 'Something went wrong on our side';
  return 'The request was refused';
}
