import { ConcurrencyGate, GateFull } from '@tessera/abuse';
import { pendingSchemaChanges, parseDatabaseUrl } from '@tessera/database';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { testDatabaseUrl } from '../../../../test/support/test-database';
import { openLoginUiDatabase } from '../database/database.module';
import { PasswordHasher } from './password-hasher';
import { UserEntity } from './user.entity';
import { UserRepository } from './user.repository';
import { InvalidUserInput, UserAlreadyExists, Users } from './users.service';

// The argon2 module object itself, so that a spy sees the calls PasswordHasher makes.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const argon2 = require('@node-rs/argon2') as typeof import('@node-rs/argon2');

describe('Users on a real database', () => {
  let tmp: string;
  let dataSource: DataSource;
  let users: Users;
  // The database may be shared (MariaDB in CI): every test uses names of its own.
  const unique = () => `u${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'tessera-users-'));
    dataSource = await openLoginUiDatabase({ database: parseDatabaseUrl(testDatabaseUrl(tmp)) });
    users = new Users(new UserRepository(dataSource), new PasswordHasher());
  });

  afterAll(async () => {
    await dataSource?.destroy();
    rmSync(tmp, { recursive: true, force: true });
  });

  afterEach(() => jest.restoreAllMocks());

  it('has migrations that match the entities exactly', async () => {
    expect(await pendingSchemaChanges(dataSource)).toEqual([]);
  });

  it('creates a user with a UUID subject and an argon2id hash', async () => {
    const username = unique();
    const user = await users.create({ username, password: 'correct horse', email: `${username}@Example.com`, name: 'Ada', roles: ['admin'] });
    expect(user).toMatchObject({ username, email: `${username}@Example.com`, name: 'Ada', roles: ['admin'], emailVerified: false, disabled: false });
    expect(user.id).toMatch(/^[0-9a-f-]{36}$/);
    const row = await dataSource.getRepository(UserEntity).findOneByOrFail({ id: user.id });
    expect(row.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(row.emailKey).toBe(`${username}@example.com`);
  });

  it('refuses a username that differs only by case or lookalike letters', async () => {
    const username = unique();
    await users.create({ username, password: 'correct horse' });
    await expect(users.create({ username: username.toUpperCase(), password: 'correct horse' })).rejects.toThrow(UserAlreadyExists);
    const fullwidth = [...username].map((c) => String.fromCodePoint(c.codePointAt(0)! + 0xfee0)).join('');
    await expect(users.create({ username: fullwidth, password: 'correct horse' })).rejects.toThrow(UserAlreadyExists);
  });

  it('refuses an email address that is taken', async () => {
    const email = `${unique()}@example.com`;
    await users.create({ username: unique(), password: 'correct horse', email });
    await expect(users.create({ username: unique(), password: 'correct horse', email: email.toUpperCase() })).rejects.toThrow(/email/);
  });

  it('lets the unique index decide when two writers race for one name', async () => {
    const username = unique();
    const results = await Promise.allSettled([1, 2, 3].map(() => users.create({ username, password: 'correct horse' })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(UserAlreadyExists);
  });

  it.each([
    [{ password: 'short' }, /at least 12 characters/],
    [{ password: 'x'.repeat(257) }, /at most 256 characters/],
    [{ password: 'password1234' }, /most common passwords/],
    [{ roles: ['admin', 'superuser'] }, /unknown role "superuser"/],
    [{ username: '  ' }, /empty/],
    [{ username: 'a@b' }, /may not contain @/],
    [{ email: 'not-an-email' }, /email/],
  ])('refuses %p', async (override, message) => {
    await expect(users.create({ username: unique(), password: 'correct horse', ...override })).rejects.toThrow(InvalidUserInput);
    await expect(users.create({ username: unique(), password: 'correct horse', ...override })).rejects.toThrow(message);
  });

  describe('listAccounts', () => {
    const pagesOf = async (query: { q?: string; role?: string; disabled?: boolean }, limit: number) => {
      const pages: string[][] = [];
      let cursor: string | undefined;
      do {
        const page = await users.listAccounts({ ...query, limit, cursor });
        pages.push(page.users.map((u) => u.username));
        cursor = page.next ?? undefined;
      } while (cursor && pages.length < 20);
      return pages;
    };

    it('pages through people who share a name, one at a time, each once', async () => {
      const prefix = unique();
      const made = await Promise.all([1, 2, 3].map(() => users.create({ username: unique(), password: 'correct horse', name: `${prefix} Same` })));
      const pages = await pagesOf({ q: prefix }, 1);
      expect(pages).toHaveLength(3);
      expect(pages.flat().sort()).toEqual(made.map((u) => u.username).sort());
    });

    it('ends without an empty page when the last page is exactly full', async () => {
      const prefix = unique();
      await users.create({ username: `${prefix}a`, password: 'correct horse' });
      await users.create({ username: `${prefix}b`, password: 'correct horse' });
      expect(await pagesOf({ q: prefix }, 2)).toEqual([[`${prefix}a`, `${prefix}b`]]);
      expect(await pagesOf({ q: prefix }, 1)).toEqual([[`${prefix}a`], [`${prefix}b`]]);
    });

    it('treats the prefix literally, on both databases', async () => {
      const prefix = unique();
      await users.create({ username: `${prefix}_x`, password: 'correct horse', name: `${prefix}%y` });
      await users.create({ username: `${prefix}zz`, password: 'correct horse' });
      expect((await pagesOf({ q: `${prefix}_` }, 10)).flat()).toEqual([`${prefix}_x`]);
      expect((await pagesOf({ q: `${prefix}%` }, 10)).flat()).toEqual([`${prefix}_x`]);
    });

    it('refuses a prefix with control characters and a cursor it did not make', async () => {
      await expect(users.listAccounts({ q: 'a\u0000', limit: 1 })).rejects.toThrow(/control characters/);
      await expect(users.listAccounts({ limit: 1, cursor: Buffer.from('{"o":"email","k":"a"}').toString('base64url') })).rejects.toThrow(/cursor/);
    });
  });

  describe('verifyCredentials', () => {
    let username: string;
    let email: string;

    beforeAll(async () => {
      username = unique();
      email = `${username}@example.com`;
      await users.create({ username, password: 'correct horse', email });
    });

    it('answers the user for the right password, by username in any case or by email', async () => {
      expect((await users.verifyCredentials(username, 'correct horse'))?.username).toBe(username);
      expect((await users.verifyCredentials(username.toUpperCase(), 'correct horse'))?.username).toBe(username);
      expect((await users.verifyCredentials(email, 'correct horse'))?.email).toBe(email);
    });

    it('answers null for a name that only a database collation would equate with the account', async () => {
      // utf8mb4_unicode_ci equates these with the plain letters; loginKey (NFKC, case) does not.
      for (const lookalike of [username.replace('u', '\u00fa'), username.replace('u', 'u\u0300'), username.replace('u', '\u00fc')]) {
        expect(await users.verifyCredentials(lookalike, 'correct horse')).toBeNull();
      }
    });

    it('answers null for a wrong password', async () => {
      expect(await users.verifyCredentials(username, 'Correct horse')).toBeNull();
    });

    it('answers null for an unknown user, after the same argon2 verification', async () => {
      const verify = jest.spyOn(argon2, 'verify');
      expect(await users.verifyCredentials(unique(), 'correct horse')).toBeNull();
      expect(verify).toHaveBeenCalledTimes(1);
      expect(verify.mock.calls[0][0]).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    });

    it('answers null for a disabled user, after the same argon2 verification', async () => {
      const other = unique();
      const user = await users.create({ username: other, password: 'correct horse' });
      await dataSource.getRepository(UserEntity).update({ id: user.id }, { disabled: true });
      const verify = jest.spyOn(argon2, 'verify');
      expect(await users.verifyCredentials(other, 'correct horse')).toBeNull();
      expect(verify).toHaveBeenCalledTimes(1);
    });

    it('refuses at once with GateFull, instead of queueing without end, when the argon2 gate is full', async () => {
      const gated = new Users(new UserRepository(dataSource), new PasswordHasher(), {
        gate: new ConcurrencyGate({ maxConcurrent: 1, maxQueue: 1, retryAfterSeconds: 3 }),
      });
      const results = await Promise.allSettled([1, 2, 3].map(() => gated.verifyCredentials(username, 'correct horse')));
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected']);
      expect((results[2] as PromiseRejectedResult).reason).toEqual(new GateFull(3));
      // The first two were checked in turn, and the gate is free again.
      expect(results.slice(0, 2).map((r) => (r as PromiseFulfilledResult<{ username: string } | null>).value?.username)).toEqual([username, username]);
      expect((await gated.verifyCredentials(username, 'correct horse'))?.username).toBe(username);
    });
  });
});
