import { parseDatabaseUrl } from '@tessera/database';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { testDatabaseUrl } from '../../../../test/support/test-database';
import { openLoginUiDatabase } from '../database/database.module';
import { LockoutPolicy } from './lockout.rule';
import { PasswordHasher } from './password-hasher';
import { UserEntity } from './user.entity';
import { UserRepository } from './user.repository';
import { User, Users } from './users.service';

// The argon2 module object itself, so that a spy sees the calls PasswordHasher makes.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const argon2 = require('@node-rs/argon2') as typeof import('@node-rs/argon2');

const PASSWORD = 'correct horse battery';
const WRONG = 'wrong horse battery';
const SECOND = 1000;
const POLICY: LockoutPolicy = { maxFailures: 3, waitSeconds: 60, maxWaitSeconds: 300, resetSeconds: 3600 };

describe('account lockout on a real database', () => {
  let tmp: string;
  let dataSource: DataSource;
  /** A second instance of the login UI: its own connection pool on the same database. */
  let otherDataSource: DataSource;
  let now: number;
  const hasher = new PasswordHasher();
  const usersWith = (policy: LockoutPolicy, ds: DataSource = dataSource) => new Users(new UserRepository(ds), hasher, { now: () => now, lockout: policy });
  let users: Users;
  // The database may be shared (MariaDB in CI): every test uses names of its own.
  const newUser = () => users.create({ username: `lock${randomUUID().slice(0, 8)}`, password: PASSWORD });
  const storedRow = (user: User) => dataSource.getRepository(UserEntity).findOneByOrFail({ id: user.id });

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'tessera-lockout-'));
    const target = parseDatabaseUrl(testDatabaseUrl(tmp));
    dataSource = await openLoginUiDatabase({ database: target });
    otherDataSource = await openLoginUiDatabase({ database: target });
  });

  afterAll(async () => {
    await otherDataSource?.destroy();
    await dataSource?.destroy();
    rmSync(tmp, { recursive: true, force: true });
  });

  beforeEach(() => {
    now = Date.UTC(2030, 0, 1);
    users = usersWith(POLICY);
  });

  afterEach(() => jest.restoreAllMocks());

  it('locks the account at the threshold, and then refuses even the right password without checking it', async () => {
    const user = await newUser();
    for (let i = 0; i < 3; i++) expect(await users.verifyCredentials(user.username, WRONG)).toBeNull();
    expect(await users.lockoutStatus(user.id)).toEqual({ failures: 3, lockedUntil: now + 60 * SECOND });

    const verify = jest.spyOn(argon2, 'verify');
    expect(await users.verifyCredentials(user.username, PASSWORD)).toBeNull();
    // Still one argon2 verification, for timing, but never against the account's own hash.
    expect(verify).toHaveBeenCalledTimes(1);
    expect(verify.mock.calls[0][0]).not.toBe((await storedRow(user)).passwordHash);
    // Attempts while locked are not counted: they cannot have been checked.
    expect((await users.lockoutStatus(user.id))?.failures).toBe(3);
  });

  it('lets the right password in once the wait is over, and forgets the failures', async () => {
    const user = await newUser();
    for (let i = 0; i < 3; i++) await users.verifyCredentials(user.username, WRONG);
    now += 59 * SECOND;
    expect(await users.verifyCredentials(user.username, PASSWORD)).toBeNull();
    now += 1 * SECOND;
    expect((await users.verifyCredentials(user.username, PASSWORD))?.id).toBe(user.id);
    expect(await users.lockoutStatus(user.id)).toEqual({ failures: 0, lockedUntil: null });
    expect(await storedRow(user)).toMatchObject({ failedCount: 0, lastFailureAt: null, lockedUntil: null });
  });

  it('doubles the wait with each further failure, up to the cap', async () => {
    const user = await newUser();
    for (let i = 0; i < 2; i++) await users.verifyCredentials(user.username, WRONG);
    const waits: number[] = [];
    for (let i = 0; i < 5; i++) {
      await users.verifyCredentials(user.username, WRONG);
      const { lockedUntil } = (await users.lockoutStatus(user.id))!;
      waits.push((lockedUntil! - now) / SECOND);
      now = lockedUntil!; // the wait is over: the next attempt is checked, and fails
    }
    expect(waits).toEqual([60, 120, 240, 300, 300]);
    expect((await users.lockoutStatus(user.id))?.failures).toBe(7);
  });

  it('starts counting afresh after the reset period without failures', async () => {
    const user = await newUser();
    await users.verifyCredentials(user.username, WRONG);
    await users.verifyCredentials(user.username, WRONG);
    now += 3600 * SECOND;
    await users.verifyCredentials(user.username, WRONG);
    expect(await users.lockoutStatus(user.id)).toEqual({ failures: 1, lockedUntil: null });
    // One second short of the period, the count goes on.
    now += 3599 * SECOND;
    await users.verifyCredentials(user.username, WRONG);
    await users.verifyCredentials(user.username, WRONG);
    expect((await users.lockoutStatus(user.id))?.lockedUntil).toBe(now + 60 * SECOND);
  });

  it('forgets the failures on a successful sign-in', async () => {
    const user = await newUser();
    await users.verifyCredentials(user.username, WRONG);
    await users.verifyCredentials(user.username, WRONG);
    expect((await users.verifyCredentials(user.username, PASSWORD))?.id).toBe(user.id);
    await users.verifyCredentials(user.username, WRONG);
    await users.verifyCredentials(user.username, WRONG);
    expect(await users.lockoutStatus(user.id)).toEqual({ failures: 2, lockedUntil: null });
  });

  it('counts sign-ins by email address against the same account', async () => {
    const username = `lock${randomUUID().slice(0, 8)}`;
    const user = await users.create({ username, password: PASSWORD, email: `${username}@example.com` });
    await users.verifyCredentials(`${username}@example.com`, WRONG);
    await users.verifyCredentials(username.toUpperCase(), WRONG);
    await users.verifyCredentials(username, WRONG);
    expect((await users.lockoutStatus(user.id))?.lockedUntil).toBe(now + 60 * SECOND);
  });

  it('unlocks an account for an administrator', async () => {
    const user = await newUser();
    for (let i = 0; i < 3; i++) await users.verifyCredentials(user.username, WRONG);
    expect(await users.unlock(user.id)).toBe(true);
    expect(await users.lockoutStatus(user.id)).toEqual({ failures: 0, lockedUntil: null });
    expect((await users.verifyCredentials(user.username, PASSWORD))?.id).toBe(user.id);
    expect(await users.unlock(randomUUID())).toBe(false);
    expect(await users.lockoutStatus(randomUUID())).toBeNull();
  });

  it('stores nothing about unknown usernames', async () => {
    const prefix = `nobody${randomUUID().slice(0, 8)}`;
    for (let i = 0; i < 5; i++) {
      expect(await users.verifyCredentials(`${prefix}-${i}`, WRONG)).toBeNull();
      expect(await users.verifyCredentials(`${prefix}-${i}@example.com`, WRONG)).toBeNull();
    }
    const rows = await dataSource.getRepository(UserEntity).createQueryBuilder('u')
      .where('u.username_key LIKE :p OR u.email_key LIKE :p', { p: `${prefix}%` }).getCount();
    expect(rows).toBe(0);
  });

  it('does not count a disabled account', async () => {
    const user = await newUser();
    await dataSource.getRepository(UserEntity).update({ id: user.id }, { disabled: true });
    for (let i = 0; i < 5; i++) await users.verifyCredentials(user.username, PASSWORD);
    expect(await users.lockoutStatus(user.id)).toEqual({ failures: 0, lockedUntil: null });
  });

  describe('under parallel attempts from two instances', () => {
    it('counts 50 concurrent wrong passwords exactly', async () => {
      const policy = { ...POLICY, maxFailures: 100 };
      const user = await newUser();
      const instances = [usersWith(policy, dataSource), usersWith(policy, otherDataSource)];
      const results = await Promise.all(Array.from({ length: 50 }, (_, i) => instances[i % 2].verifyCredentials(user.username, WRONG)));
      expect(results.every((r) => r === null)).toBe(true);
      expect((await storedRow(user)).failedCount).toBe(50);
    });

    it('lets no more than the threshold through, however many arrive at once', async () => {
      const policy = { ...POLICY, maxFailures: 30 };
      const user = await newUser();
      const instances = [usersWith(policy, dataSource), usersWith(policy, otherDataSource)];
      const ownHash = (await storedRow(user)).passwordHash;
      const verify = jest.spyOn(argon2, 'verify');
      await Promise.all(Array.from({ length: 50 }, (_, i) => instances[i % 2].verifyCredentials(user.username, WRONG)));
      // Exactly 30 were checked against the account's hash; the other 20 found it locked.
      expect(verify.mock.calls.filter(([hash]) => hash === ownHash).length).toBe(30);
      expect(await storedRow(user)).toMatchObject({ failedCount: 30, lockedUntil: now + 60 * SECOND });
      expect(await instances[1].verifyCredentials(user.username, PASSWORD)).toBeNull();
    });
  });
});
