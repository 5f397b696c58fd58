import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTokenServiceConfig } from '../../../token-service/src/config/token-service.config';
import { openTokenServiceDatabase } from '../../../token-service/src/database/database.module';
import { RevokedSigningKey } from '../../../token-service/src/keys/signing-key-revocation';
import { SigningKeyRepository } from '../../../token-service/src/keys/signing-key.repository';
import { SigningKeys } from '../../../token-service/src/keys/signing-keys.service';
import { TokenStatus } from '../../../token-service/src/status-list/token-status.entity';
import { ScratchDatabase, scratchDatabase } from '../../../../test/support/scratch-database';
import { CliCommand, parseCommandArgs } from '../cli-args';
import { keysList } from './keys-list.command';
import { keysRevoke, keysRevokeWith } from './keys-revoke.command';
import { keysRotate } from './keys-rotate.command';

describe('keys:rotate, keys:revoke and the schedule in keys:list', () => {
  let tmpDir: string;
  let database: ScratchDatabase;
  let env: Record<string, string>;
  let stdout: string;

  /** The keys as stored, kid → state. */
  const stored = async () => {
    const dataSource = await openTokenServiceDatabase(loadTokenServiceConfig(env));
    try {
      return Object.fromEntries((await new SigningKeyRepository(dataSource).listSummaries()).map((k) => [k.kid, k.state]));
    } finally {
      await dataSource.destroy();
    }
  };
  const run = async (command: CliCommand, args: string[]) => {
    stdout = '';
    await command.run(parseCommandArgs(command, args), env);
    return stdout;
  };

  beforeAll(async () => {
    tmpDir = await mkdtemp(join(tmpdir(), 'tessera-cli-keys-'));
    // A database of its own: revoking keys must not touch the shared one other suites sign with.
    database = await scratchDatabase(tmpDir);
    env = {
      DATA_DIR: tmpDir, DATABASE_URL: database.url,
      KEY_ENCRYPTION_SECRET: 'cli-keys-test-key-encryption-secret-0123456789', INTERNAL_API_SECRET: 'cli-keys-test-internal-api-secret-0123456789',
    };
    // The first key, as the token service creates it when it starts.
    const config = loadTokenServiceConfig(env);
    const dataSource = await openTokenServiceDatabase(config);
    const keys = new SigningKeys(config, dataSource);
    await keys.onModuleInit();
    keys.onModuleDestroy();
    await dataSource.destroy();
  });
  afterAll(async () => {
    await database?.drop();
    await rm(tmpDir, { recursive: true, force: true });
  });
  beforeEach(() => {
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => { stdout += String(chunk); return true; });
  });
  afterEach(() => jest.restoreAllMocks());

  it('keys:rotate publishes a next key and says when it activates; keys:list shows that schedule', async () => {
    const [first] = Object.keys(await stored());
    const before = Date.now();
    const out = await run(keysRotate, []);
    const [, kid, at] = /(\S+) is published as the next signing key; it becomes active at (\S+), 435 s after it was published/.exec(out)!;
    expect(await stored()).toEqual({ [first]: 'active', [kid]: 'next' });
    // JWKS_MAX_AGE 300 + RP refresh margin 60 + skew 60 + reload interval 15.
    expect(Date.parse(at) - before).toBeGreaterThanOrEqual(435_000);
    expect(Date.parse(at) - Date.now()).toBeLessThanOrEqual(435_000);

    expect(await run(keysRotate, [])).toMatch(new RegExp(`^${kid} was already published as the next signing key; it becomes active at ${at}`));

    const list = await run(keysList, []);
    expect(list.split('\n').find((row) => row.startsWith(kid))).toMatch(new RegExp(` next .* activates ${at}$`));
    expect(list.split('\n').find((row) => row.startsWith(first))).toMatch(new RegExp(` active .* retires ${at}$`));
  });

  it('keys:rotate --now activates the next key at once and says what that costs partners', async () => {
    const before = await stored();
    const next = Object.keys(before).find((k) => before[k] === 'next')!;
    const out = await run(keysRotate, ['--now']);
    expect(out).toMatch(new RegExp(`\\n${next} is the active signing key now`));
    expect(out).toMatch(/refetch the JWKS once on its unknown kid/);
    const after = await stored();
    expect(after[next]).toBe('active');
    expect(Object.values(after).sort()).toEqual(['active', 'retired']);
    expect((await run(keysList, [])).split('\n').find((row) => row.startsWith(next))).toMatch(/ next key published \S+, rotates \S+$/);
  });

  it('keys:revoke KID revokes the active key, makes another active, and tells the hook', async () => {
    const before = await stored();
    const compromised = Object.keys(before).find((k) => before[k] === 'active')!;
    const told: RevokedSigningKey[] = [];
    const withHook = keysRevokeWith(() => ({ signingKeyRevoked: async (key) => { told.push(key); } }));

    const out = await run(withHook, [compromised]);

    const after = await stored();
    const active = Object.keys(after).find((k) => after[k] === 'active')!;
    expect(after[compromised]).toBe('revoked');
    expect(active).not.toBe(compromised);
    expect(out).toMatch(new RegExp(`\\n${compromised} is revoked: out of the JWKS and its private half wiped. It signed from \\S+ to \\S+ at the latest.\\n${active} is the active signing key`));
    expect(out).toMatch(/marked revoked in the status list/);
    expect(told).toEqual([expect.objectContaining({ kid: compromised, signedFrom: expect.any(Number), signedUntil: expect.any(Number) })]);
    expect((await run(keysList, [])).split('\n').find((row) => row.startsWith(compromised))).toMatch(/ revoked .* revoked \S+$/);
  });

  it('keys:revoke marks the tokens the key signed in the status list, and only those', async () => {
    const before = await stored();
    const retired = Object.keys(before).find((k) => before[k] === 'retired')!;
    const active = Object.keys(before).find((k) => before[k] === 'active')!;
    // Two access tokens' status rows, as the token service records them when it issues a token.
    const dataSource = await openTokenServiceDatabase(loadTokenServiceConfig(env));
    const statuses = dataSource.getRepository(TokenStatus);
    const row = (idx: number, kid: string) => ({ listId: 'cli-test-list', idx, grantId: null, kid, expiresAt: Date.now() + 60_000, revokedAt: null });
    try {
      await statuses.insert([row(1, retired), row(2, active)]);
    } finally {
      await dataSource.destroy();
    }

    expect(await run(keysRevoke, ['--kid', retired])).toMatch(/The tokens it signed are marked revoked in the status list/);

    expect((await stored())[retired]).toBe('revoked');
    const check = await openTokenServiceDatabase(loadTokenServiceConfig(env));
    try {
      const rows = await check.getRepository(TokenStatus).find({ where: { listId: 'cli-test-list' }, order: { idx: 'ASC' } });
      expect(rows.map((r) => [r.kid, r.revokedAt === null ? 'valid' : 'revoked'])).toEqual([[retired, 'revoked'], [active, 'valid']]);
    } finally {
      await check.destroy();
    }
  });

  it('keys:revoke says plainly when no hook marks the tokens, and refuses an unknown or missing kid', async () => {
    const before = await stored();
    const active = Object.keys(before).find((k) => before[k] === 'active')!;
    expect(await run(keysRevokeWith(() => undefined), ['--kid', active])).toMatch(/No revocation hook is configured: the tokens it signed are not marked in the status list/);
    expect((await stored())[active]).toBe('revoked');
    await expect(run(keysRevoke, ['unknownkid'])).rejects.toThrow(/there is no signing key unknownkid/);
    await expect(run(keysRevoke, [])).rejects.toThrow(/--kid is required/);
  });
});
