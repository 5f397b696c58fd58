import { withNamedLock } from '@tessera/database';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { loadTokenServiceConfig } from '../../../token-service/src/config/token-service.config';
import { openTokenServiceDatabase } from '../../../token-service/src/database/database.module';
import { AuthorizationFlow } from '../../../token-service/src/flow/authorization-flow.entity';
import { cleanupLockName } from '../../../token-service/src/maintenance/cleanup-policy';
import { ScratchDatabase, scratchDatabase } from '../../../../test/support/scratch-database';
import { isSharedDatabase } from '../../../../test/support/test-database';
import { parseArgs } from '../cli-args';
import { maintenanceCleanup } from './maintenance-cleanup.command';

const DAY = 86_400_000;

describe('maintenance:cleanup', () => {
  let tmpDir: string;
  let database: ScratchDatabase;
  let dataSource: DataSource;
  let env: Record<string, string>;
  let stdout: string;

  const flow = (id: string, expiresAt: number) => ({
    id, state: 'login' as const, browserHash: 'b', clientId: 'c', redirectUri: 'https://rp.example/cb', scope: 'openid',
    codeChallenge: 'x', createdAt: expiresAt - DAY, expiresAt,
  });
  const flowsLeft = async () => (await dataSource.getRepository(AuthorizationFlow).find()).map((f) => f.id).sort();

  beforeAll(async () => {
    tmpDir = await mkdtemp(join(tmpdir(), 'tessera-cli-cleanup-'));
    // A database of its own: the pass deletes every expired row it finds.
    database = await scratchDatabase(tmpDir);
    env = {
      DATA_DIR: tmpDir, DATABASE_URL: database.url,
      KEY_ENCRYPTION_SECRET: 'cli-cleanup-test-key-encryption-secret-0123', INTERNAL_API_SECRET: 'cli-cleanup-test-internal-api-secret-0123',
    };
    dataSource = await openTokenServiceDatabase(loadTokenServiceConfig(env));
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
    await rm(tmpDir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    await dataSource.getRepository(AuthorizationFlow).clear();
    stdout = '';
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => { stdout += String(chunk); return true; });
  });
  afterEach(() => jest.restoreAllMocks());

  it('runs one pass now and prints what it deleted as JSON', async () => {
    const longAgo = Date.now() - 2 * DAY;
    await dataSource.getRepository(AuthorizationFlow).insert([flow('f-1', longAgo), flow('f-2', longAgo), flow('f-live', Date.now() + DAY)]);

    await maintenanceCleanup.run(parseArgs([]), env);

    const printed = JSON.parse(stdout) as { deleted: Record<string, number>; capped: string[]; durationMs: number };
    expect(printed.deleted).toMatchObject({ authorization_flows: 2, token_statuses: 0, sso_sessions: 0 });
    expect(printed.capped).toEqual([]);
    expect(printed.durationMs).toEqual(expect.any(Number));
    expect(await flowsLeft()).toEqual(['f-live']);
  });

  if (isSharedDatabase()) {
    it('does nothing, and says so, while a token service instance holds the cleanup lock', async () => {
      await dataSource.getRepository(AuthorizationFlow).insert([flow('f-1', Date.now() - 2 * DAY)]);
      const lock = cleanupLockName(String(dataSource.options.database));

      await withNamedLock(dataSource, lock, 0, () => maintenanceCleanup.run(parseArgs([]), env));

      expect(stdout).toBe('another token service instance is cleaning now (it holds the lock): nothing done\n');
      expect(await flowsLeft()).toEqual(['f-1']);
    });
  }
});
