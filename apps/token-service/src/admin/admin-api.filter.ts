import { ArgumentsHost, Catch, ExceptionFilter, Logger, NotFoundException } from '@nestjs/common';
import { ADMIN_API_PREFIX, OAuthError, TemporarilyUnavailable } from '@tessera/contracts';
import type { NextFunction, Request, Response } from 'express';
import { BODY_FAILURE_DESCRIPTIONS, bodyFailureOf } from '../http/body-errors';
import { databaseFailureAsOAuthError } from '../http/database-unavailable';
import { AdminApiException, notFound } from './admin-api-error';

const logger = new Logger('AdminApi');

/**
 * Renders whatever an admin route throws as contracts `AdminApiError`, with `no-store` (answers carry
 * secrets shown once). A database that is down or lost a lock race is 503 `unavailable` with
 * Retry-After; an OAuthError of a shared rule keeps its status; anything else is a 500 whose detail
 * goes to the log only.
 */
@Catch()
export class AdminApiFilter implements ExceptionFilter {
  catch(thrown: unknown, host: ArgumentsHost): void {
    answerAdminError(host.switchToHttp().getResponse<Response>(), thrown);
  }
}

/**
 * Nest's answer to a path no route matches, for the whole app: under the admin API prefix in the
 * admin API's shape, anywhere else as `otherwise` (the token service's RouteNotFoundFilter) says.
 *
 * @example
 * app.useGlobalFilters(new AdminApiRouteNotFound(new RouteNotFoundFilter()));
 */
@Catch(NotFoundException)
export class AdminApiRouteNotFound implements ExceptionFilter {
  constructor(private readonly otherwise: ExceptionFilter) {}

  catch(exception: NotFoundException, host: ArgumentsHost): void {
    if (!isAdminApiPath(host.switchToHttp().getRequest<Request>().path)) {
      this.otherwise.catch(exception, host);
      return;
    }
    answerAdminError(host.switchToHttp().getResponse<Response>(), notFound('admin API route'));
  }
}

/**
 * The body parsers fail before any route runs: under the admin API prefix their errors (too large,
 * unparseable, bad encoding) are answered 413 `too_large` or 400 `invalid_request` in its shape, never
 * quoting the body. Mounted on the prefix, before the OAuth body-error handler.
 */
export function adminApiBodyErrors(err: unknown, req: Request, res: Response, next: NextFunction): void {
  const failure = bodyFailureOf(err, req);
  if (!failure || res.headersSent) {
    next(err);
    return;
  }
  const code = failure === 'too_large' ? 'too_large' : 'invalid_request';
  answerAdminError(res, new AdminApiException(code, BODY_FAILURE_DESCRIPTIONS[failure]));
}

function answerAdminError(res: Response, thrown: unknown): void {
  const error = toAdminApiException(thrown);
  res.setHeader('Cache-Control', 'no-store');
  if (error.extra.challenge) res.setHeader('WWW-Authenticate', error.extra.challenge);
  if (error.extra.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(error.extra.retryAfterSeconds));
  res.status(error.status).json(error.toJSON());
}

function toAdminApiException(thrown: unknown): AdminApiException {
  if (thrown instanceof AdminApiException) return thrown;
  const failure = databaseFailureAsOAuthError(thrown, logger);
  if (failure instanceof TemporarilyUnavailable) {
    return new AdminApiException('unavailable', failure.errorDescription, { retryAfterSeconds: failure.retryAfterSeconds });
  }
  if (failure instanceof OAuthError && failure.status < 500) {
    const code = failure.status === 404 ? 'not_found' : failure.status === 401 ? 'unauthorized' : failure.status === 403 ? 'forbidden' : 'invalid_request';
    return new AdminApiException(code, failure.errorDescription);
  }
  logger.error(thrown instanceof Error ? thrown.stack : String(thrown));
  return new AdminApiException('server_error', 'the server could not complete the request');
}

/** The request path (as routed, case-sensitively) is under the admin API prefix. */
function isAdminApiPath(path: string): boolean {
  return path === ADMIN_API_PREFIX || path.startsWith(`${ADMIN_API_PREFIX}/`);
}
