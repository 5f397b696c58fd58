import { Logger } from '@nestjs/common';
import { parseDatabaseUrl } from '@tessera/database';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { ScratchDatabase, scratchDatabase } from '../../../../test/support/scratch-database';
import { LoginUiConfig } from '../config/login-ui.config';
import { openLoginUiDatabase } from '../database/database.module';
import { AdminBootstrap } from './admin-bootstrap';
import { PasswordHasher } from './password-hasher';
import { UserRepository } from './user.repository';
import { Users } from './users.service';

/**
 * The bootstrap needs an empty directory, so each suite gets a database of its own (also on MariaDB
 * in CI), opened before and dropped after its tests.
 */
function emptyDirectory(): { users(): Users } {
  let tmp: string;
  let database: ScratchDatabase;
  let dataSource: DataSource;
  beforeAll(async () => {
    Logger.overrideLogger(false);
    tmp = mkdtempSync(join(tmpdir(), 'tessera-admin-'));
    database = await scratchDatabase(tmp);
    dataSource = await openLoginUiDatabase({ database: parseDatabaseUrl(database.url) });
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
    rmSync(tmp, { recursive: true, force: true });
  });
  return { users: () => new Users(new UserRepository(dataSource), new PasswordHasher()) };
}

describe('AdminBootstrap', () => {
  const directory = emptyDirectory();
  let users: Users;
  beforeAll(() => {
    users = directory.users();
  });

  it('creates the administrator exactly once when instances start together', async () => {
    const config = { adminUsername: 'root-admin', adminPassword: 'a long admin password' } as LoginUiConfig;
    await Promise.all([1, 2, 3].map(() => new AdminBootstrap(config, users).onApplicationBootstrap()));
    const admin = await users.verifyCredentials('root-admin', 'a long admin password');
    expect(admin?.roles).toEqual(['admin']);
  });

  it('leaves a directory that has users alone', async () => {
    const config = { adminUsername: 'second-admin', adminPassword: 'another long password' } as LoginUiConfig;
    await new AdminBootstrap(config, users).onApplicationBootstrap();
    expect(await users.verifyCredentials('second-admin', 'another long password')).toBeNull();
  });
});

describe('AdminBootstrap and the password policy', () => {
  const directory = emptyDirectory();
  let users: Users;
  beforeAll(() => {
    users = directory.users();
  });

  it.each([
    ['a common ADMIN_PASSWORD', { adminUsername: 'first-admin', adminPassword: 'password1234' }, 'ADMIN_PASSWORD: the password is one of the most common passwords; choose another'],
    ['a short ADMIN_PASSWORD', { adminUsername: 'first-admin', adminPassword: 'admin123' }, 'ADMIN_PASSWORD: the password must be at least 12 characters long'],
    ['an ADMIN_PASSWORD equal to ADMIN_USERNAME', { adminUsername: 'administrator', adminPassword: 'Administrator' }, 'ADMIN_PASSWORD: the password may not be the username'],
    ['an ADMIN_USERNAME with an @', { adminUsername: 'admin@example.com', adminPassword: 'a long admin password' }, 'ADMIN_USERNAME: the username may not contain @, spaces or control characters'],
  ])('refuses to start with %s, naming the variable, and creates no one', async (_name, config, message) => {
    await expect(new AdminBootstrap(config as LoginUiConfig, users).onApplicationBootstrap()).rejects.toThrow(message);
    expect(await users.isEmpty()).toBe(true);
  });
});
