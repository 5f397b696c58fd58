import type { LoggerService } from '@nestjs/common';
import { TemporarilyUnavailable } from '@tessera/contracts';
import { databaseFailureOf, describeDatabaseFailure } from '@tessera/database';

/** What a client is told to wait before trying again: about how long a pool takes to reconnect. */
const RETRY_AFTER_SECONDS = 5;

/**
 * A database that is down, or a transaction that lost a lock race (deadlock, lock wait timeout,
 * SQLite busy), is not the client's fault nor a bug: it becomes `temporarily_unavailable` (RFC 6749
 * §5.2, §4.1.2.1) with 503, so the client retries later instead of treating it as a `server_error`.
 * Logged as a warning with the driver's code only — no SQL, no values. Anything else is returned
 * unchanged.
 */
export function databaseFailureAsOAuthError(err: unknown, logger: Pick<LoggerService, 'warn'>): unknown {
  const failure = databaseFailureOf(err);
  if (!failure) return err;
  logger.warn(`database ${failure === 'contention' ? 'lock conflict' : 'unavailable'}: ${describeDatabaseFailure(err)}`);
  return new TemporarilyUnavailable(
    failure === 'contention' ? 'the request conflicted with another one; retry it' : 'the service cannot reach its database; retry later',
    RETRY_AFTER_SECONDS,
  );
}
