import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import { databaseFailureOf, describeDatabaseFailure } from '@tessera/database';
import type { Response } from 'express';
import { TokenServiceProtocolError, TokenServiceUnavailable } from '../token-service/token-service.errors';
import { InvalidUserInput } from '../users/account-fields.rule';
import { UserAlreadyExists } from '../users/users.service';
import { AdminRefusal, sendRefusal } from './admin-refusal';

const RETRY_AFTER_SECONDS = 5;

/**
 * Renders whatever an admin route throws as contracts `AdminApiError`: refused input as 400 with
 * the refused `fields`, a taken username or email as 409, an unreachable database or token service
 * as 503 with Retry-After, and anything else as a 500 whose cause goes to the log only.
 */
@Catch()
export class AdminApiFilter implements ExceptionFilter {
  private readonly logger = new Logger('AdminApi');

  catch(err: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    if (res.headersSent) return;
    sendRefusal(res, this.refusalFor(err));
  }

  private refusalFor(err: unknown): AdminRefusal {
    if (err instanceof AdminRefusal) return err;
    if (err instanceof InvalidUserInput) return new AdminRefusal(400, { error: 'invalid_request', message: err.message, fields: err.problems });
    if (err instanceof UserAlreadyExists) return AdminRefusal.conflict(err.message);
    if (err instanceof TokenServiceUnavailable || err instanceof TokenServiceProtocolError) {
      this.logger.warn(err.message);
      return AdminRefusal.unavailable('the token service cannot be reached; try again', RETRY_AFTER_SECONDS);
    }
    const failure = databaseFailureOf(err);
    if (failure) {
      // The driver's code only: a query error's message may quote values.
      this.logger.warn(`database ${failure === 'contention' ? 'lock conflict' : 'unavailable'}: ${describeDatabaseFailure(err)}`);
      return AdminRefusal.unavailable('the user directory is unavailable; try again', RETRY_AFTER_SECONDS);
    }
    this.logger.error(err instanceof Error ? err.stack ?? err.message : String(err));
    return new AdminRefusal(500, { error: 'server_error', message: 'the request could not be completed' });
  }
}
