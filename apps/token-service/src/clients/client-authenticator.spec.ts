import { InvalidClient, InvalidRequest } from '@tessera/contracts';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { openMigratedDatabase } from '../../../../test/support/migrated-database';
import { testDatabaseUrl } from '../../../../test/support/test-database';
import { TOKEN_SERVICE_ENTITIES, TOKEN_SERVICE_MIGRATIONS } from '../database/schema';
import { Client } from './client.entity';
import { ClientAuthenticator } from './client-authenticator';
import { validateClientMetadata } from './client-metadata.rule';
import { ClientRepository } from './client.repository';
import { Clients } from './clients.service';

const basic = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

describe('ClientAuthenticator on a real database', () => {
  let tmpDir: string;
  let dataSource: DataSource;
  let authenticator: ClientAuthenticator;
  let basicClient: { client: Client; clientSecret?: string };
  let postClient: { client: Client; clientSecret?: string };
  let publicClient: { client: Client; clientSecret?: string };

  beforeAll(async () => {
    tmpDir = await mkdtemp(join(tmpdir(), 'tessera-client-auth-'));
    // The clients table as every later migration left it (back-channel logout, allowed scope).
    dataSource = await openMigratedDatabase(testDatabaseUrl(tmpDir), { entities: TOKEN_SERVICE_ENTITIES, migrations: TOKEN_SERVICE_MIGRATIONS });
    const repository = new ClientRepository(dataSource);
    const clients = new Clients(repository);
    authenticator = new ClientAuthenticator(repository);
    const register = (extra: Record<string, unknown>) =>
      clients.register(validateClientMetadata({ redirect_uris: ['https://app.example/cb'], ...extra }), { firstParty: false });
    basicClient = await register({});
    postClient = await register({ token_endpoint_auth_method: 'client_secret_post' });
    publicClient = await register({ token_endpoint_auth_method: 'none' });
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await rm(tmpDir, { recursive: true, force: true });
  });

  it('stores only the hash of a secret, and gives a public client none', async () => {
    const stored = await new ClientRepository(dataSource).findById(basicClient.client.clientId);
    expect(stored?.clientSecretHash).toHaveLength(43);
    expect(stored?.clientSecretHash).not.toBe(basicClient.clientSecret);
    expect(publicClient.clientSecret).toBeUndefined();
    expect(publicClient.client.clientSecretHash).toBeNull();
  });

  it('reads back what was registered', async () => {
    expect(await new ClientRepository(dataSource).findById(postClient.client.clientId)).toEqual(postClient.client);
  });

  it('authenticates each client by the method it registered', async () => {
    const { client: b, clientSecret: bs } = basicClient;
    const { client: p, clientSecret: ps } = postClient;
    await expect(authenticator.authenticate(basic(b.clientId, bs!), {})).resolves.toMatchObject({ clientId: b.clientId });
    await expect(authenticator.authenticate(undefined, { client_id: p.clientId, client_secret: ps }))
      .resolves.toMatchObject({ clientId: p.clientId });
    await expect(authenticator.authenticate(undefined, { client_id: publicClient.client.clientId }))
      .resolves.toMatchObject({ clientId: publicClient.client.clientId });
  });

  it.each<[string, () => [string | undefined, Record<string, unknown>]]>([
    ['a wrong secret', () => [basic(basicClient.client.clientId, 'wrong'), {}]],
    ['an unknown client', () => [basic('no-such-client', 'secret'), {}]],
    ['an unknown public client', () => [undefined, { client_id: 'no-such-client' }]],
    ['a client_id that differs only in case', () => [basic(basicClient.client.clientId.toUpperCase(), basicClient.clientSecret!), {}]],
    ['client_secret_post for a client_secret_basic client', () =>
      [undefined, { client_id: basicClient.client.clientId, client_secret: basicClient.clientSecret }]],
    ['client_secret_basic for a client_secret_post client', () => [basic(postClient.client.clientId, postClient.clientSecret!), {}]],
    ['no secret for a confidential client', () => [undefined, { client_id: basicClient.client.clientId }]],
    ['a secret for a public client', () => [undefined, { client_id: publicClient.client.clientId, client_secret: 'anything' }]],
  ])('refuses %s with invalid_client (401)', async (_case, request) => {
    const error = await authenticator.authenticate(...request()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidClient);
    expect(error).toMatchObject({ status: 401, errorDescription: 'client authentication failed' });
  });

  it('refuses two methods in one request with invalid_request', async () => {
    const { client, clientSecret } = basicClient;
    await expect(authenticator.authenticate(basic(client.clientId, clientSecret!), { client_id: client.clientId, client_secret: clientSecret }))
      .rejects.toThrow(InvalidRequest);
  });

  it('refuses a repeated client_id with invalid_request', async () => {
    await expect(authenticator.authenticate(undefined, { client_id: [postClient.client.clientId, 'x'], client_secret: postClient.clientSecret }))
      .rejects.toThrow(InvalidRequest);
  });
});
