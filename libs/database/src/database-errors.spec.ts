import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource, QueryFailedError } from 'typeorm';
import { databaseFailureOf, describeDatabaseFailure } from './database-errors';

/** What mysql2 throws: an Error with the server's symbolic code and number (and the SQL, which must never be logged). */
function mysqlError(code: string, errno?: number, message = 'driver message'): Error {
  return Object.assign(new Error(message), { code, errno, sql: 'UPDATE secret_table SET x = 1', fatal: false });
}

describe('databaseFailureOf', () => {
  it.each([
    ['a deadlock (ER_LOCK_DEADLOCK 1213)', 'contention', mysqlError('ER_LOCK_DEADLOCK', 1213)],
    ['a lock wait timeout (ER_LOCK_WAIT_TIMEOUT 1205)', 'contention', mysqlError('ER_LOCK_WAIT_TIMEOUT', 1205)],
    ['a deadlock wrapped by TypeORM', 'contention', new QueryFailedError('UPDATE t SET x = ?', [1], mysqlError('ER_LOCK_DEADLOCK', 1213))],
    ['a lock conflict known only by its number', 'contention', Object.assign(new Error('x'), { errno: 1213 })],
    ['SQLite busy', 'contention', Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' })],
    ['SQLite busy while recovering', 'contention', Object.assign(new Error('x'), { code: 'SQLITE_BUSY_RECOVERY' })],
    ['a refused connection', 'unreachable', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:3306'), { code: 'ECONNREFUSED', errno: -111 })],
    ['a connection lost mid-query', 'unreachable', mysqlError('PROTOCOL_CONNECTION_LOST')],
    ['a server shutting down', 'unreachable', mysqlError('ER_SERVER_SHUTDOWN', 1053)],
    ['too many connections', 'unreachable', mysqlError('ER_CON_COUNT_ERROR', 1040)],
    ['a connect timeout', 'unreachable', mysqlError('ETIMEDOUT')],
    ['a command on a closed connection', 'unreachable', new Error("Can't add new command when connection is in closed state")],
    ['a full pool queue', 'unreachable', new Error('Queue limit reached.')],
    ['localhost refused on IPv4 and IPv6', 'unreachable', new AggregateError([Object.assign(new Error('x'), { code: 'ECONNREFUSED' })])],
    ['a lost connection wrapped by TypeORM', 'unreachable', new QueryFailedError('SELECT 1', [], mysqlError('PROTOCOL_CONNECTION_LOST'))],
  ])('%s is %s', (_name, expected, err) => {
    expect(databaseFailureOf(err)).toBe(expected);
  });

  it.each([
    ['a duplicate key (a bug or a race the code must handle itself)', mysqlError('ER_DUP_ENTRY', 1062)],
    ['a syntax error', mysqlError('ER_PARSE_ERROR', 1064)],
    ['a wrong password (waiting would not mend it)', mysqlError('ER_ACCESS_DENIED_ERROR', 1045)],
    ['an SQLite constraint', Object.assign(new Error('x'), { code: 'SQLITE_CONSTRAINT_UNIQUE' })],
    ['a plain bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['a string', 'boom'],
    ['nothing', undefined],
  ])('%s is not a database failure', (_name, err) => {
    expect(databaseFailureOf(err)).toBeUndefined();
  });

  it('recognises what TypeORM over better-sqlite3 really throws when another connection holds the write lock', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-busy-'));
    const open = (timeout: number) => new DataSource({ type: 'better-sqlite3', database: join(dir, 'busy.sqlite'), timeout }).initialize();
    const holder = await open(1000);
    const other = await open(0);
    try {
      await holder.query('CREATE TABLE t (x INTEGER)');
      await holder.query('BEGIN IMMEDIATE');
      const thrown = await other.query('INSERT INTO t VALUES (1)').then(() => undefined, (err: unknown) => err);
      expect(thrown).toBeInstanceOf(QueryFailedError);
      expect(databaseFailureOf(thrown)).toBe('contention');
      await holder.query('ROLLBACK');
    } finally {
      await holder.destroy();
      await other.destroy();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('describeDatabaseFailure', () => {
  it('names the driver codes and never the SQL or the message', () => {
    const err = new QueryFailedError('UPDATE users SET password_hash = ? WHERE username = ?', ['h', 'alice'], mysqlError('ER_LOCK_DEADLOCK', 1213, "Deadlock for 'alice'"));
    const text = describeDatabaseFailure(err);
    expect(text).toBe('ER_LOCK_DEADLOCK 1213');
  });

  it('names a code-less mysql2 failure by its fixed text', () => {
    expect(describeDatabaseFailure(new Error('Queue limit reached.'))).toBe('Queue limit reached.');
  });
});
