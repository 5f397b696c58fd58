import { AuditEventInput } from '@tessera/contracts';
import { parseDatabaseUrl } from '@tessera/database';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { testDatabaseUrl } from '../../../../test/support/test-database';
import { openLoginUiDatabase } from '../database/database.module';
import { PasswordHasher } from '../users/password-hasher';
import { UserRepository } from '../users/user.repository';
import { SignInAttempt, User, Users } from '../users/users.service';
import type { AuditTrail } from './audit-trail';
import { SignInAudit } from './sign-in-audit';
import { signInAuditEvents } from './sign-in-events';

const SUB = '6f0c1a52-2f4e-4c5e-9d53-2b0e8a1f7c11';
const IP = '203.0.113.9';
const attempt = (fields: Partial<SignInAttempt>): SignInAttempt => ({ user: null, outcome: 'bad_credentials', subject: SUB, lockStartedUntil: null, ...fields });

describe('signInAuditEvents', () => {
  it.each<[string, SignInAttempt, AuditEventInput[]]>([
    ['a success', attempt({ user: { id: SUB } as User, outcome: 'success' }), [{ type: 'sign_in.succeeded', actor: SUB, subject: SUB, ip: IP }]],
    ['a wrong password', attempt({}), [{ type: 'sign_in.failed', actor: null, subject: SUB, ip: IP, reason: 'bad_credentials' }]],
    ['an unknown account, named by nothing but the address', attempt({ outcome: 'unknown_account', subject: null }), [
      { type: 'sign_in.failed', actor: null, subject: null, ip: IP, reason: 'unknown_account' },
    ]],
    ['a locked account', attempt({ outcome: 'locked' }), [{ type: 'sign_in.failed', actor: null, subject: SUB, ip: IP, reason: 'locked' }]],
    ['a disabled account', attempt({ outcome: 'disabled' }), [{ type: 'sign_in.failed', actor: null, subject: SUB, ip: IP, reason: 'disabled' }]],
    ['the wrong password that starts a lockout', attempt({ lockStartedUntil: 1_000 }), [
      { type: 'sign_in.failed', actor: null, subject: SUB, ip: IP, reason: 'bad_credentials' },
      { type: 'account.locked', actor: 'system', subject: SUB, ip: IP, details: { locked_until: 1_000 } },
    ]],
  ])('%s', (_case, signIn, expected) => {
    expect(signInAuditEvents(signIn, IP)).toEqual(expected);
  });
});

describe('sign-ins on the audit trail, with a real user directory', () => {
  const PASSWORD = 'correct horse battery';
  let tmp: string;
  let dataSource: DataSource;
  let now: number;
  let recorded: AuditEventInput[];
  let users: Users;
  let audit: SignInAudit;
  const signIn = async (login: string, password: string) => audit.record(await users.attemptSignIn(login, password), IP);
  const types = () => recorded.map((e) => `${e.type}${e.reason ? ` ${e.reason}` : ''}`);

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'tessera-sign-in-audit-'));
    dataSource = await openLoginUiDatabase({ database: parseDatabaseUrl(testDatabaseUrl(tmp)) });
  });

  afterAll(async () => {
    await dataSource?.destroy();
    rmSync(tmp, { recursive: true, force: true });
  });

  beforeEach(() => {
    now = Date.UTC(2030, 0, 1);
    recorded = [];
    users = new Users(new UserRepository(dataSource), new PasswordHasher(), {
      now: () => now, lockout: { maxFailures: 3, waitSeconds: 60, maxWaitSeconds: 300, resetSeconds: 3600 },
    });
    // The trail's far end is the token service; here, a list.
    audit = new SignInAudit({ record: (event: AuditEventInput) => recorded.push(event) } as unknown as AuditTrail);
  });

  const newUser = () => users.create({ username: `audit${randomUUID().slice(0, 8)}`, password: PASSWORD });

  it('names the account by its sub, and never by what was typed', async () => {
    const user = await newUser();
    const typed = `${PASSWORD}-typed-into-the-username-box`;
    await signIn(typed, 'whatever');
    await signIn(user.username, 'wrong horse battery');
    await signIn(user.username.toUpperCase(), PASSWORD);
    expect(types()).toEqual(['sign_in.failed unknown_account', 'sign_in.failed bad_credentials', 'sign_in.succeeded']);
    expect(recorded.map((e) => e.subject)).toEqual([null, user.id, user.id]);
    expect(JSON.stringify(recorded)).not.toMatch(new RegExp(`${user.username}|typed-into|${PASSWORD}`, 'i'));
  });

  it('records the lockout once, from the wrong password that started it, then a doubled one', async () => {
    const user = await newUser();
    for (let i = 0; i < 3; i++) await signIn(user.username, `wrong-${i}`);
    await signIn(user.username, PASSWORD);
    expect(types()).toEqual(['sign_in.failed bad_credentials', 'sign_in.failed bad_credentials', 'sign_in.failed bad_credentials', 'account.locked', 'sign_in.failed locked']);
    expect(recorded[3]).toMatchObject({ subject: user.id, details: { locked_until: now + 60_000 } });

    now += 61_000;
    recorded = [];
    await signIn(user.username, 'wrong-again');
    expect(types()).toEqual(['sign_in.failed bad_credentials', 'account.locked']);
    expect(recorded[1].details).toEqual({ locked_until: now + 120_000 });
  });

  it('records one lockout when many wrong passwords race into it', async () => {
    const user = await newUser();
    await Promise.all(Array.from({ length: 8 }, (_, i) => signIn(user.username, `wrong-${i}`)));
    expect(recorded.filter((e) => e.type === 'account.locked')).toHaveLength(1);
    expect(recorded.filter((e) => e.type === 'sign_in.failed')).toHaveLength(8);
  });

  it('says so when a disabled account is tried', async () => {
    const user = await newUser();
    await users.setDisabled(user.id, true);
    await signIn(user.username, PASSWORD);
    expect(recorded).toEqual([{ type: 'sign_in.failed', actor: null, subject: user.id, ip: IP, reason: 'disabled' }]);
  });
});
