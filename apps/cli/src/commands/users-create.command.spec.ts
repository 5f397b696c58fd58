import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testDatabaseUrl } from '../../../../test/support/test-database';
import { parseArgs } from '../cli-args';
import { usersCreate } from './users-create.command';

describe('users:create', () => {
  let tmpDir: string;
  let env: Record<string, string>;
  let stdout: string;
  // The database may be shared (MariaDB in CI): every test uses names of its own.
  const unique = () => `cli${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    tmpDir = await mkdtemp(join(tmpdir(), 'tessera-cli-users-'));
    env = {
      DATA_DIR: tmpDir,
      DATABASE_URL: testDatabaseUrl(tmpDir),
      INTERNAL_API_SECRET: 'cli-test-internal-api-secret-0123456789ab',
      LOGIN_UI_SECRET: 'cli-test-login-ui-secret-0123456789abcdef',
    };
  });
  afterAll(() => rm(tmpDir, { recursive: true, force: true }));
  beforeEach(() => {
    stdout = '';
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => { stdout += String(chunk); return true; });
  });
  afterEach(() => jest.restoreAllMocks());

  const run = (args: string[], extraEnv: Record<string, string> = {}) => usersCreate.run(parseArgs(args), { ...env, ...extraEnv });

  it('creates an administrator with a long password and prints it without the password', async () => {
    const username = unique();
    await run(['--username', username, '--password', 'choose-a-long-one', '--email', `${username}@example.com`, '--role', 'admin']);
    const printed = JSON.parse(stdout) as Record<string, unknown>;
    expect(printed).toEqual({ id: expect.any(String), username, email: `${username}@example.com`, name: null, roles: ['admin'] });
    expect(stdout).not.toContain('choose-a-long-one');
  });

  it.each([
    ['a common password', ['--password', 'password1234'], /most common passwords/],
    ['a password shorter than PASSWORD_MIN_LENGTH', ['--password', 'short-one'], /at least 12 characters/],
    ['the username as password', ['--password', 'same-as-the-name', '--username', 'same-as-the-name'], /may not be the username/],
    ['an unknown role', ['--password', 'choose-a-long-one', '--role', 'superuser'], /unknown role "superuser"/],
  ])('refuses %s, and creates nothing', async (_name, args, message) => {
    const username = unique();
    await expect(run(['--username', username, ...args])).rejects.toThrow(message);
    expect(stdout).toBe('');
  });

  it('takes PASSWORD_MIN_LENGTH from the environment, like the login UI', async () => {
    await expect(run(['--username', unique(), '--password', 'choose-a-long-one'], { PASSWORD_MIN_LENGTH: '20' })).rejects.toThrow(/at least 20 characters/);
    await run(['--username', unique(), '--password', 'ten-chars!'], { PASSWORD_MIN_LENGTH: '8' });
    expect(JSON.parse(stdout)).toMatchObject({ roles: [] });
  });
});
