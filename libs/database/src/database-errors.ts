/**
 * Telling a database that is down or contended apart from a bug. Both drivers report the first by
 * codes, not classes: mysql2 puts `code`/`errno` on its errors (TypeORM copies them onto
 * QueryFailedError and keeps the original as `driverError`), better-sqlite3 a `SQLITE_*` code.
 */

/** The server cannot be reached, went away mid-request, or is shutting down. */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN',
  'PROTOCOL_CONNECTION_LOST', 'PROTOCOL_SEQUENCE_TIMEOUT', 'PROTOCOL_PACKETS_OUT_OF_ORDER',
  'ER_SERVER_SHUTDOWN', 'ER_CON_COUNT_ERROR', 'ER_TOO_MANY_USER_CONNECTIONS',
  // 1927: MariaDB's "connection was killed" (the server is going down).
  'ER_CONNECTION_KILLED',
]);

/** A transaction lost a lock race: the same request may succeed if tried again. */
const CONTENTION_CODES = new Set(['ER_LOCK_DEADLOCK', 'ER_LOCK_WAIT_TIMEOUT', 'SQLITE_BUSY', 'SQLITE_LOCKED']);
// MySQL error numbers, for errors that arrive without the symbolic code.
const CONTENTION_ERRNOS = new Set([1205, 1213]);
const UNREACHABLE_ERRNOS = new Set([1040, 1053, 1203, 1927, 2002, 2003, 2006, 2013]);

// mysql2 raises these without a code; their text is the driver's own, never SQL or data.
const UNREACHABLE_MESSAGES = [
  "Can't add new command when connection is in closed state",
  'Pool is closed.',
  'Queue limit reached.',
  'Connection lost: The server closed the connection.',
];

export type DatabaseFailure = 'unreachable' | 'contention';

/**
 * Classifies `err` as a database that is unreachable, or a lock conflict (deadlock, lock wait
 * timeout, SQLite busy), or neither (`undefined`): a bug, a constraint violation, bad data.
 *
 * @example
 * ```ts
 * if (databaseFailureOf(err)) throw new TemporarilyUnavailable();
 * ```
 */
export function databaseFailureOf(err: unknown): DatabaseFailure | undefined {
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 4; depth++) {
    const { code, errno, message } = e as { code?: unknown; errno?: unknown; message?: unknown };
    if (typeof code === 'string') {
      if (CONTENTION_CODES.has(code) || code.startsWith('SQLITE_BUSY')) return 'contention';
      if (UNREACHABLE_CODES.has(code)) return 'unreachable';
    }
    if (typeof errno === 'number') {
      if (CONTENTION_ERRNOS.has(errno)) return 'contention';
      if (UNREACHABLE_ERRNOS.has(errno)) return 'unreachable';
    }
    if (typeof message === 'string' && UNREACHABLE_MESSAGES.some((m) => message.startsWith(m))) return 'unreachable';
    // A connect failure to several addresses (IPv4 and IPv6 for `localhost`) is an AggregateError.
    const nested = (e as { errors?: unknown }).errors;
    if (Array.isArray(nested) && nested.some((inner) => databaseFailureOf(inner))) return 'unreachable';
    e = (e as { driverError?: unknown; cause?: unknown }).driverError ?? (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * A one-line description of a database failure that is safe to log: the driver's code and errno,
 * never the message (a QueryFailedError's message may quote values) nor the SQL.
 */
export function describeDatabaseFailure(err: unknown): string {
  const seen: string[] = [];
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 4; depth++) {
    const { code, errno } = e as { code?: unknown; errno?: unknown };
    if (typeof code === 'string' && !seen.includes(code)) seen.push(code);
    if (typeof errno === 'number' && !seen.includes(String(errno))) seen.push(String(errno));
    const { message } = e as { message?: unknown };
    const known = typeof message === 'string' ? UNREACHABLE_MESSAGES.find((m) => message.startsWith(m)) : undefined;
    if (known && !seen.includes(known)) seen.push(known);
    e = (e as { driverError?: unknown; cause?: unknown }).driverError ?? (e as { cause?: unknown }).cause;
  }
  return seen.length ? seen.join(' ') : (err instanceof Error ? err.constructor.name : typeof err);
}
