import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import { OAuthError, toOAuthError } from '@tessera/contracts';
import type { Response } from 'express';
import { databaseFailureAsOAuthError, setRetryAfter } from './database-unavailable';

/**
 * Renders errors of the JSON endpoints (token, revocation, introspection, registration, the
 * internal API) as RFC 6749 §5.2 JSON with `no-store`. Anything that is not an OAuthError becomes
 * `server_error`; its detail goes to the log only.
 */
@Catch()
export class OAuthJsonFilter implements ExceptionFilter {
  private readonly logger = new Logger('OAuth');

  catch(thrown: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const exception = databaseFailureAsOAuthError(thrown, this.logger);
    if (!(exception instanceof OAuthError)) this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    const error = toOAuthError(exception);
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Pragma', 'no-cache');
    setRetryAfter(res, error);
    // RFC 6749 §5.2: a 401 for invalid_client names the scheme the client can use; RFC 6750 §3 the same for bearer tokens.
    if (error.error === 'invalid_client') res.setHeader('WWW-Authenticate', 'Basic realm="tessera", charset="UTF-8"');
    if (error.error === 'invalid_token') res.setHeader('WWW-Authenticate', 'Bearer realm="tessera", error="invalid_token"');
    res.status(error.status).json(error.toJSON());
  }
}
