import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { TesseraAuthError } from '@tessera/rp';
import type { Response } from 'express';

/**
 * JSON errors for the API: the guard's refusals as the RFC 6750 §3 body (its WWW-Authenticate or
 * Retry-After header is already on the response), anything else as a bare server_error.
 */
@Catch()
export class ApiErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('PartnerDemo');

  catch(err: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    if (res.headersSent) return;
    if (err instanceof TesseraAuthError) {
      res.status(err.statusCode).json({ error: err.error, error_description: err.error_description });
      return;
    }
    if (err instanceof HttpException && err.getStatus() < 500) {
      res.status(err.getStatus()).json({ error: 'invalid_request', error_description: 'The request could not be handled' });
      return;
    }
    this.logger.error(err instanceof Error ? err.stack ?? err.message : String(err));
    res.status(500).json({ error: 'server_error', error_description: 'The request could not be completed' });
  }
}
