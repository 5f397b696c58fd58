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

// Needs an empty directory, so it gets a database of its own (also on MariaDB in CI).
describe('AdminBootstrap', () => {
  let tmp: string;
  let database: ScratchDatabase;
  let dataSource: DataSource;
  let users: Users;

  beforeAll(async () => {
    Logger.overrideLogger(false);
    tmp = mkdtempSync(join(tmpdir(), 'tessera-admin-'));
    database = await scratchDatabase(tmp);
    dataSource = await openLoginUiDatabase({ database: parseDatabaseUrl(database.url) });
    users = new Users(new UserRepository(dataSource), new PasswordHasher());
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
    rmSync(tmp, { recursive: true, force: true });
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
