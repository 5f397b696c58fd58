import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTokenServiceConfig } from '../../../token-service/src/config/token-service.config';
import { openTokenServiceDatabase } from '../../../token-service/src/database/database.module';
import { SigningKeys } from '../../../token-service/src/keys/signing-keys.service';
import { sharedDatabaseUrl, stableSecretFor, testDatabaseUrl } from '../../../../test/support/test-database';
import { parseArgs } from '../cli-args';
import { clientsCreate } from './clients-create.command';
import { keysList } from './keys-list.command';

describe('clients:create and keys:list', () => {
  let tmpDir: string;
  let env: Record<string, string>;
  let stdout: string;

  beforeAll(async () => {
    tmpDir = await mkdtemp(join(tmpdir(), 'tessera-cli-'));
    const shared = sharedDatabaseUrl();
    env = {
      DATA_DIR: tmpDir,
      DATABASE_URL: testDatabaseUrl(tmpDir),
      KEY_ENCRYPTION_SECRET: shared ? stableSecretFor(shared, 'KEY_ENCRYPTION_SECRET') : 'cli-test-key-encryption-secret-0123456789',
      INTERNAL_API_SECRET: 'cli-test-internal-api-secret-0123456789ab',
    };
  });
  afterAll(() => rm(tmpDir, { recursive: true, force: true }));
  beforeEach(() => {
    stdout = '';
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => { stdout += String(chunk); return true; });
  });
  afterEach(() => jest.restoreAllMocks());

  const run = (command: typeof clientsCreate, args: string[]) => command.run(parseArgs(args), env);

  it('creates a first-party confidential client and prints its secret once', async () => {
    await run(clientsCreate, ['--name', 'Admin console', '--redirect-uri', 'https://admin.example/cb,http://localhost:4100/cb', '--first-party']);
    const printed = JSON.parse(stdout) as Record<string, unknown>;
    expect(printed).toMatchObject({
      client_id: expect.any(String),
      client_secret: expect.any(String),
      client_name: 'Admin console',
      redirect_uris: ['https://admin.example/cb', 'http://localhost:4100/cb'],
      grant_types: ['authorization_code'],
      token_endpoint_auth_method: 'client_secret_basic',
      first_party: true,
    });
  });

  it('creates a public client with --public', async () => {
    await run(clientsCreate, ['--name', 'SPA', '--redirect-uri', 'https://spa.example/cb', '--grant-types', 'authorization_code,refresh_token', '--public']);
    const printed = JSON.parse(stdout) as Record<string, unknown>;
    expect(printed).not.toHaveProperty('client_secret');
    expect(printed).toMatchObject({ token_endpoint_auth_method: 'none', grant_types: ['authorization_code', 'refresh_token'], first_party: false });
  });

  it('refuses invalid metadata and a missing --name', async () => {
    await expect(run(clientsCreate, ['--name', 'x', '--redirect-uri', 'http://partner.example/cb'])).rejects.toThrow(/invalid_redirect_uri/);
    await expect(run(clientsCreate, ['--redirect-uri', 'https://partner.example/cb'])).rejects.toThrow(/--name is required/);
  });

  it('creates an admin service client with --admin: client_credentials only, allowed tessera:admin', async () => {
    jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    await run(clientsCreate, ['--name', 'Automation', '--admin']);
    const printed = JSON.parse(stdout) as Record<string, unknown>;
    expect(printed).toMatchObject({
      client_secret: expect.any(String),
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      scope: 'tessera:admin',
      token_endpoint_auth_method: 'client_secret_basic',
      first_party: false,
    });
  });

  it.each([
    [['--redirect-uri', 'https://partner.example/cb'], /leave out --redirect-uri/],
    [['--public'], /leave out --public/],
    [['--first-party'], /leave out --first-party/],
  ])('refuses --admin with %p', async (extra, message) => {
    await expect(run(clientsCreate, ['--name', 'Automation', '--admin', ...extra])).rejects.toThrow(message);
  });

  it('lists signing keys without any private material', async () => {
    const config = loadTokenServiceConfig(env);
    const dataSource = await openTokenServiceDatabase(config);
    const keys = new SigningKeys(config, dataSource);
    await keys.onModuleInit();
    keys.onModuleDestroy();
    await dataSource.destroy();

    stdout = '';
    await run(keysList, []);
    const [header, ...rows] = stdout.trimEnd().split('\n');
    expect(header.split(/\s{2,}/)).toEqual(['kid', 'state', 'created', 'activated', 'retired', 'next change']);
    expect(rows.find((row) => row.startsWith(keys.activeKid))).toMatch(/ active +\d{4}-\d\d-\d\dT[\d:.]+Z +\d{4}-/);
    expect(stdout).not.toMatch(/"d"|eyJ/);
  });
});
