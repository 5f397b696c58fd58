/**
 * A MariaDB server of the test's own, which the test may stop and start at will: its own data
 * folder (from mariadb-install-db), its own port and socket, and the process started here, so the
 * shared server on 3306 is never touched. Stopped by signalling the pid this module started.
 */
import { ChildProcess, execFile, spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { createConnection } from 'mysql2/promise';
import { freePorts } from '../../support/free-port';

export interface ThrowawayMariadb {
  /** DATABASE_URL for the apps (any user is let in: the server runs with --skip-grant-tables). */
  url: string;
  readonly running: boolean;
  start(): Promise<void>;
  /** SIGKILL is a crash (connections simply vanish); SIGTERM a clean shutdown. */
  stop(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
  destroy(): Promise<void>;
}

const DATABASE = 'tessera_failure';
const START_TIMEOUT_MS = 30_000;

/** Fails with a message, never skips: CI must have MariaDB's server binaries. */
function findBinary(name: string): string {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin', '/usr/bin'];
  for (const dir of dirs) {
    const path = join(dir, name);
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // not here
    }
  }
  throw new Error(`test/failure needs ${name} (Debian: apt-get install mariadb-server); it was not found on PATH or in /usr/sbin`);
}

export async function createThrowawayMariadb(): Promise<ThrowawayMariadb> {
  const mariadbd = findBinary('mariadbd');
  const installDb = findBinary('mariadb-install-db');
  const dir = await mkdtemp(join(tmpdir(), 'tessera-mariadb-'));
  const user = userInfo().username;
  const [port] = await freePorts(1);
  try {
    await promisify(execFile)(installDb, [
      '--no-defaults', `--datadir=${join(dir, 'data')}`, `--user=${user}`,
      '--auth-root-authentication-method=normal', '--skip-test-db', '--skip-name-resolve',
    ]);
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw new Error(`mariadb-install-db failed: ${(err as Error).message}`);
  }

  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let created = false;

  const start = async (): Promise<void> => {
    if (child) throw new Error('the throwaway MariaDB is already running');
    const proc = spawn(mariadbd, [
      '--no-defaults', `--datadir=${join(dir, 'data')}`, `--port=${port}`, '--bind-address=127.0.0.1',
      `--socket=${join(dir, 'mariadb.sock')}`, `--pid-file=${join(dir, 'mariadb.pid')}`, `--user=${user}`,
      '--skip-grant-tables', '--skip-log-bin', '--innodb-buffer-pool-size=16M',
      // Short, so a test can make a real lock wait time out (ER_LOCK_WAIT_TIMEOUT) in a couple of seconds.
      '--innodb-lock-wait-timeout=2', `--log-error=${join(dir, 'error.log')}`,
    ], { stdio: 'ignore' });
    child = proc;
    exited = new Promise((resolve) => proc.once('exit', () => {
      if (child === proc) child = undefined;
      resolve();
    }));
    const deadline = Date.now() + START_TIMEOUT_MS;
    for (;;) {
      if (!child) throw new Error(`mariadbd exited while starting; see ${join(dir, 'error.log')}`);
      try {
        const connection = await createConnection({ host: '127.0.0.1', port, user: 'tessera', connectTimeout: 1000 });
        if (!created) await connection.query(`CREATE DATABASE IF NOT EXISTS ${DATABASE} CHARACTER SET utf8mb4`);
        created = true;
        await connection.end();
        return;
      } catch (err) {
        if (Date.now() > deadline) throw new Error(`mariadbd did not accept connections within ${START_TIMEOUT_MS} ms: ${(err as Error).message}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  };

  const stop = async (signal: 'SIGTERM' | 'SIGKILL' = 'SIGKILL'): Promise<void> => {
    if (!child) return;
    child.kill(signal);
    await exited;
  };

  return {
    url: `mysql://tessera:tessera@127.0.0.1:${port}/${DATABASE}`,
    get running() {
      return child !== undefined;
    },
    start,
    stop,
    async destroy() {
      await stop('SIGKILL');
      await rm(dir, { recursive: true, force: true });
    },
  };
}
