import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { isRpError, LoginError } from '@tessera/rp';
import type { Response } from 'express';
import { ErrorPage, INTERNAL_ERROR, KEYS_UNAVAILABLE, loginErrorPage, NOT_FOUND } from './error-page';

/** Whatever went wrong on a page, the person gets a page of ours with a status to match — never a stack trace. */
@Catch()
export class PageErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('PartnerDemo');

  catch(err: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const page = this.pageFor(err);
    if (res.headersSent) return;
    res.status(page.status).render('error', { title: page.headline, page });
  }

  private pageFor(err: unknown): ErrorPage {
    if (err instanceof LoginError) {
      // The code and message name the failed check; neither carries a token, code or secret.
      this.logger.warn(`sign-in failed: ${err.code}${err.error ? ` (${err.error})` : ''}: ${err.message}`);
      return loginErrorPage(err);
    }
    if (isRpError(err, 'ERR_JWKS_UNAVAILABLE')) {
      this.logger.warn(`cannot verify sessions: ${err.message}`);
      return KEYS_UNAVAILABLE;
    }
    if (err instanceof HttpException && err.getStatus() === 404) return NOT_FOUND;
    if (err instanceof HttpException && err.getStatus() < 500) {
      return { status: err.getStatus(), headline: 'Request refused', detail: 'The request could not be handled.' };
    }
    this.logger.error(err instanceof Error ? err.stack ?? err.message : String(err));
    return INTERNAL_ERROR;
  }
}
