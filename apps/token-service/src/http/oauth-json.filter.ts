import { ArgumentsHost, Catch, ExceptionFilter, Logger, LoggerService } from '@nestjs/common';
import { OAuthError, TemporarilyUnavailable, toOAuthError } from '@tessera/contracts';
import type { Response } from 'express';
import { databaseFailureAsOAuthError } from './database-unavailable';

/** An RFC 6749 §5.2 error response: status, the headers that go with it, and the JSON body. */
export interface OAuthErrorAnswer {
  status: number;
  headers: Record<string, string>;
  body: ReturnType<OAuthError['toJSON']>;
}

/**
 * How the JSON endpoints answer anything thrown: an OAuthError as itself, a database that is down
 * or contended as `temporarily_unavailable`, anything else as `server_error`, its detail to the log
 * only. Used by OAuthJsonFilter and by the token endpoint's fast path (token-fast-path.ts).
 */
export function oauthErrorAnswer(thrown: unknown, logger: Pick<LoggerService, 'warn' | 'error'>): OAuthErrorAnswer {
  const exception = databaseFailureAsOAuthError(thrown, logger);
  if (!(exception instanceof OAuthError)) logger.error(exception instanceof Error ? exception.stack : String(exception));
  const error = toOAuthError(exception);
  const headers: Record<string, string> = { 'Cache-Control': 'no-store', Pragma: 'no-cache' };
  // RFC 9110 §10.2.3: a 503 says when to come back.
  if (error instanceof TemporarilyUnavailable) headers['Retry-After'] = String(error.retryAfterSeconds);
  // RFC 6749 §5.2: a 401 for invalid_client names the scheme the client can use; RFC 6750 §3 the same for bearer tokens.
  if (error.error === 'invalid_client') headers['WWW-Authenticate'] = 'Basic realm="tessera", charset="UTF-8"';
  if (error.error === 'invalid_token') headers['WWW-Authenticate'] = 'Bearer realm="tessera", error="invalid_token"';
  return { status: error.status, headers, body: error.toJSON() };
}

/**
 * Renders errors of the JSON endpoints (token, revocation, introspection, registration, the
 * internal API) as RFC 6749 §5.2 JSON with `no-store` (oauthErrorAnswer).
 */
@Catch()
export class OAuthJsonFilter implements ExceptionFilter {
  private readonly logger = new Logger('OAuth');

  catch(thrown: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const answer = oauthErrorAnswer(thrown, this.logger);
    for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value);
    res.status(answer.status).json(answer.body);
  }
}
