import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { databaseFailureOf, describeDatabaseFailure } from '@tessera/database';
import type { Response } from 'express';
import { CsrfRejected } from '../security/csrf.service';
import { MalformedForm } from '../security/single-valued-form';
import { ChallengeNotFound, TokenServiceUnavailable } from '../token-service/token-service.errors';
import { BAD_REQUEST, DATABASE_UNAVAILABLE, ErrorPage, EXPIRED_CHALLENGE, FORM_EXPIRED, INTERNAL_ERROR, NOT_FOUND, UNAVAILABLE } from './error-page';

const RETRY_AFTER_SECONDS = 5;

/** Whatever went wrong, the person gets a page of ours with a status to match — never a stack trace. */
@Catch()
export class ErrorPageFilter implements ExceptionFilter {
  private readonly logger = new Logger('ErrorPage');

  catch(err: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const page = this.pageFor(err);
    if (res.headersSent) return;
    // RFC 9110 §10.2.3: a 503 says when to come back.
    if (page.status === 503) res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
    res.status(page.status).render('error', { title: page.headline, page });
  }

  private pageFor(err: unknown): ErrorPage {
    if (err instanceof ChallengeNotFound) return EXPIRED_CHALLENGE;
    if (err instanceof CsrfRejected) return FORM_EXPIRED;
    if (err instanceof MalformedForm) return BAD_REQUEST;
    if (err instanceof TokenServiceUnavailable) {
      this.logger.warn(err.message);
      return UNAVAILABLE;
    }
    const failure = databaseFailureOf(err);
    if (failure) {
      // The driver's code only: a query error's message may quote values (a username).
      this.logger.warn(`database ${failure === 'contention' ? 'lock conflict' : 'unavailable'}: ${describeDatabaseFailure(err)}`);
      return DATABASE_UNAVAILABLE;
    }
    if (err instanceof HttpException && err.getStatus() === 404) return NOT_FOUND;
    if (err instanceof HttpException && err.getStatus() < 500) return { ...BAD_REQUEST, status: err.getStatus() };
    // body-parser's errors (malformed or oversized bodies) carry a 4xx status and `expose`.
    const { status, expose } = err as { status?: unknown; expose?: unknown };
    if (typeof status === 'number' && status >= 400 && status < 500 && expose === true) return { ...BAD_REQUEST, status };
    this.logger.error(err instanceof Error ? err.stack ?? err.message : String(err));
    return INTERNAL_ERROR;
  }
}
