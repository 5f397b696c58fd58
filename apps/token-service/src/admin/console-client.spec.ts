import { CONSOLE_CLIENT_ID, consoleClientSecret } from '@tessera/contracts';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { openMigratedDatabase } from '../../../../test/support/migrated-database';
import { testDatabaseUrl } from '../../../../test/support/test-database';
import { ClientAuthenticator } from '../clients/client-authenticator';
import { ClientRepository } from '../clients/client.repository';
import type { TokenServiceConfig } from '../config/token-service.config';
import { TOKEN_SERVICE_ENTITIES, TOKEN_SERVICE_MIGRATIONS } from '../database/schema';
import { hashOpaqueToken } from '../crypto/opaque-token';
import { ConsoleClient, consoleClientChanges, consoleClientShape } from './console-client';

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
const secret = () => randomBytes(32).toString('base64url');
const config = (loginUiUrl: string, internalApiSecret: string) => ({ loginUiUrl, internalApiSecret }) as TokenServiceConfig;

describe('the console client\'s registration', () => {
  const wanted = consoleClientShape({ loginUiUrl: 'https://id.example/ui', internalApiSecret: 'x'.repeat(43) });

  it('is a first-party confidential code-flow client of the login UI\'s /admin, allowed tessera:admin', () => {
    expect(wanted).toEqual({
      clientSecretHash: hashOpaqueToken(consoleClientSecret('x'.repeat(43))),
      clientName: 'Tessera admin console',
      redirectUris: ['https://id.example/ui/admin/callback'],
      postLogoutRedirectUris: ['https://id.example/ui/admin/signed-out'],
      grantTypes: ['authorization_code'],
      responseTypes: ['code'],
      tokenEndpointAuthMethod: 'client_secret_basic',
      firstParty: true,
      scope: 'openid profile tessera:admin',
    });
  });

  it('has a secret derived from the internal API secret, never equal to it', () => {
    const a = consoleClientSecret('a'.repeat(43));
    expect(a).toBe(consoleClientSecret('a'.repeat(43)));
    expect(a).not.toBe(consoleClientSecret('b'.repeat(43)));
    expect(a).not.toBe('a'.repeat(43));
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it.each<[string, Partial<typeof wanted>, string[]]>([
    ['nothing differs', {}, []],
    ['LOGIN_UI_URL moved', { redirectUris: ['http://localhost:3001/admin/callback'], postLogoutRedirectUris: ['http://localhost:3001/admin/signed-out'] }, ['redirectUris', 'postLogoutRedirectUris']],
    ['INTERNAL_API_SECRET changed', { clientSecretHash: 'another-hash' }, ['clientSecretHash']],
    ['an administrator edited it', { scope: 'openid', firstParty: false, grantTypes: ['authorization_code', 'refresh_token'] }, ['grantTypes', 'firstParty', 'scope']],
  ])('changes when %s', (_name, found, changed) => {
    const changes = consoleClientChanges({ ...wanted, ...found }, wanted);
    expect(Object.keys(changes).sort()).toEqual([...changed].sort());
    for (const key of changed) expect(changes[key as keyof typeof changes]).toEqual(wanted[key as keyof typeof wanted]);
  });
});

describe('ConsoleClient at start-up, on a real database', () => {
  let tmpDir: string;
  let dataSource: DataSource;
  let repository: ClientRepository;
  const ensure = (loginUiUrl: string, internalApiSecret: string) => new ConsoleClient(config(loginUiUrl, internalApiSecret), new ClientRepository(dataSource)).onApplicationBootstrap();
  const authenticates = (clientSecret: string) => new ClientAuthenticator(new ClientRepository(dataSource)).authenticate(basic(CONSOLE_CLIENT_ID, clientSecret), {}).then(() => true, () => false);

  beforeAll(async () => {
    tmpDir = await mkdtemp(join(tmpdir(), 'tessera-console-client-'));
    dataSource = await openMigratedDatabase(testDatabaseUrl(tmpDir), { entities: TOKEN_SERVICE_ENTITIES, migrations: TOKEN_SERVICE_MIGRATIONS });
    repository = new ClientRepository(dataSource);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await rm(tmpDir, { recursive: true, force: true });
  });

  it('creates the client, which then authenticates with the derived secret only', async () => {
    const internal = secret();
    await ensure('http://127.0.0.1:4001', internal);
    const client = await repository.findById(CONSOLE_CLIENT_ID);
    expect(client).toMatchObject({ redirectUris: ['http://127.0.0.1:4001/admin/callback'], firstParty: true, scope: 'openid profile tessera:admin' });
    expect(await authenticates(consoleClientSecret(internal))).toBe(true);
    expect(await authenticates(internal)).toBe(false);
  });

  it('leaves the row alone when nothing changed, and follows LOGIN_UI_URL and INTERNAL_API_SECRET when they do', async () => {
    const internal = secret();
    await ensure('http://127.0.0.1:4002', internal);
    const before = await repository.findById(CONSOLE_CLIENT_ID);
    await ensure('http://127.0.0.1:4002', internal);
    expect(await repository.findById(CONSOLE_CLIENT_ID)).toEqual(before);

    const moved = secret();
    await ensure('https://console.example', moved);
    const after = await repository.findById(CONSOLE_CLIENT_ID);
    expect(after).toMatchObject({ redirectUris: ['https://console.example/admin/callback'], postLogoutRedirectUris: ['https://console.example/admin/signed-out'] });
    expect(after?.createdAt).toBe(before?.createdAt);
    expect(await authenticates(consoleClientSecret(moved))).toBe(true);
    expect(await authenticates(consoleClientSecret(internal))).toBe(false);
  });

  it('undoes an administrator\'s edit at the next start', async () => {
    const internal = secret();
    await ensure('http://127.0.0.1:4003', internal);
    await repository.update(CONSOLE_CLIENT_ID, { scope: 'openid', firstParty: false });
    await ensure('http://127.0.0.1:4003', internal);
    expect(await repository.findById(CONSOLE_CLIENT_ID)).toMatchObject({ scope: 'openid profile tessera:admin', firstParty: true });
  });

  it('ends with one client as configured when instances start at once, even after it was deleted', async () => {
    await repository.delete(CONSOLE_CLIENT_ID);
    const internal = secret();
    await Promise.all([1, 2, 3, 4].map(() => ensure('http://127.0.0.1:4004', internal)));
    expect(await repository.findById(CONSOLE_CLIENT_ID)).toMatchObject({ redirectUris: ['http://127.0.0.1:4004/admin/callback'] });
    expect(await authenticates(consoleClientSecret(internal))).toBe(true);
  });
});
